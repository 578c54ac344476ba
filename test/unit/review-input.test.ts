import { describe, expect, it } from 'vitest';
import { parseAmountInput, parseDateInput, parseWholeNumber, pathOf, readAgreementInput } from '../../shared/review/input.js';

describe('review input read for people', () => {
  it('reads amounts in German notation, with or without the currency', () => {
    const amount = (cents: number, text: string) => ({ ok: true, value: { cents, currency: 'EUR', text } });
    expect(parseAmountInput('1.018.910')).toEqual(amount(101_891_000, '1.018.910 Euro'));
    expect(parseAmountInput('1018910')).toEqual(amount(101_891_000, '1018910 Euro'));
    expect(parseAmountInput(' 1.018.910,50 € ')).toEqual(amount(101_891_050, '1.018.910,50 €'));
    expect(parseAmountInput('EUR 987.654,-')).toEqual(amount(98_765_400, 'EUR 987.654,-'));
    expect(parseAmountInput('1 018 910 Euro')).toEqual(amount(101_891_000, '1 018 910 Euro'));
    for (const text of ['1018.91', '1.018.910 oder 2.000', 'viel', '', '1.018.910 Dollar']) {
      expect(parseAmountInput(text), text).toMatchObject({ ok: false, message: expect.stringContaining('is not an amount') });
    }
  });

  it('reads dates as 2.8.2025, 02.08.2025, 2. August 2025 or ISO, if the calendar has the day', () => {
    for (const text of ['2.8.2025', '02.08.2025', '2.8.2025.', '2. August 2025', '2025-08-02', ' 2.8.25 ']) {
      expect(parseDateInput(text), text).toEqual({ ok: true, value: '2025-08-02' });
    }
    expect(parseDateInput('29.2.2025')).toEqual({ ok: false, message: '"29.2.2025" is not a day of the calendar' });
    expect(parseDateInput('2025-02-30')).toEqual({ ok: false, message: '"2025-02-30" is not a day of the calendar' });
    for (const text of ['August', '2.8.2025 und 3.8.2025', '8/2/2025', '']) {
      expect(parseDateInput(text), text).toMatchObject({ ok: false, message: expect.stringContaining('is not a date') });
    }
  });

  it('reads whole numbers', () => {
    expect(parseWholeNumber(' 2025 ')).toEqual({ ok: true, value: 2025 });
    expect(parseWholeNumber('20.25')).toEqual({ ok: false, message: '"20.25" is not a whole number' });
  });

  it('writes paths as review accept --set takes them', () => {
    expect(pathOf(['agreement', 'measures', 2, 'projects', 0])).toBe('agreement.measures[2].projects[0]');
    expect(pathOf(['agreement'])).toBe('agreement');
  });

  it('reads an agreement as typed: text trimmed, empty text absent, the amount kept when its text is unchanged, the recipient given its kind', () => {
    const current = { amount: { cents: 101_891_000, currency: 'EUR' as const, text: '1.018.910,- Euro' } };
    const { agreement, errors } = readAgreementInput(
      {
        title: '  Zielvereinbarung   2025 ',
        budgetYear: '2025',
        amount: '1.018.910,- Euro',
        parties: [{ role: 'recipient', name: 'Main-Taunus-Kreis', shortName: '' }],
        measures: [{ number: '2', title: 'Ausbildung', projects: ['ÜSBZ', ' '] }],
        signatures: [{ party: 'recipient', place: 'Hofheim', date: '18.08.2025', name: '' }],
      },
      current,
    );
    expect(errors).toEqual([]);
    expect(agreement).toEqual({
      title: 'Zielvereinbarung 2025',
      budgetYear: 2025,
      amount: current.amount,
      parties: [{ role: 'recipient', name: 'Main-Taunus-Kreis', kind: 'landkreis' }],
      measures: [{ number: 2, title: 'Ausbildung', projects: ['ÜSBZ', undefined] }],
      signatures: [{ party: 'recipient', place: 'Hofheim', date: '2025-08-18' }],
    });
  });

  it('names every value it cannot read by its path', () => {
    const { errors } = readAgreementInput(
      { budgetYear: 'MMXXV', amount: 'zehn', measures: [{ number: 'eins' }], signatures: [{ date: 'gestern' }], parties: [{ role: 'recipient', name: 'Stadt Kassel', kind: 'landkreis' }] },
      {},
    );
    expect(errors.map((error) => error.path)).toEqual([
      'agreement.budgetYear',
      'agreement.amount',
      'agreement.parties[0].kind',
      'agreement.measures[0].number',
      'agreement.signatures[0].date',
    ]);
    expect(readAgreementInput('Zielvereinbarung', {}).errors).toEqual([{ path: 'agreement', message: 'is not an agreement (an object of its fields)' }]);
  });
});
