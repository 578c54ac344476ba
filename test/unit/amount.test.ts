import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findAmounts, germanNumberToCents, pickTotalAmount } from '../../shared/extract/amount.js';
import { normalizeCharacters } from '../../shared/extract/normalize.js';

describe('German amounts', () => {
  it.each([
    ['1.018.910 Euro', 101_891_000, '1.018.910 Euro'],
    ['2.345.678,00 EUR', 234_567_800, '2.345.678,00 EUR'],
    ['€ 987.654,50', 98_765_450, '€ 987.654,50'],
    ['1 018 910 €', 101_891_000, '1 018 910 €'],
    ['1\u00A0018\u00A0910\u00A0€', 101_891_000, '1 018 910 €'],
    ['1\u202F018\u202F910 Euro', 101_891_000, '1 018 910 Euro'],
    ['1.234.567,- Euro', 123_456_700, '1.234.567,- Euro'],
    ['3.204.382,=- Euro', 320_438_200, '3.204.382,- Euro'],
    ['3.204.382,= Euro', 320_438_200, '3.204.382,- Euro'],
    ['750000 EUR', 75_000_000, '750000 EUR'],
    // OCR's forms: a thousands dot read as a comma, a lost space after the first group.
    ['€ 969,719,08', 96_971_908, '€ 969.719,08'],
    ['€ 3.073,054,00', 307_305_400, '€ 3.073.054,00'],
    ['2.050,484 Euro', 205_048_400, '2.050.484 Euro'],
    ['1559 443 €', 155_944_300, '1 559 443 €'],
    // And a space after the comma of the cents.
    ['2.256.694, 00 EUR', 225_669_400, '2.256.694,00 EUR'],
    ['1 018 910, 50 €', 101_891_050, '1 018 910,50 €'],
  ])('reads %s', (written, cents, text) => {
    const [amount] = findAmounts(normalizeCharacters(`Haushaltsmittel in Höhe von ${written} (in Worten: …)`));
    expect(amount?.cents).toBe(cents);
    expect(amount?.text).toBe(text);
    expect(amount?.currency).toBe('EUR');
  });

  it('turns any formatted amount back into the same cents', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999_999 }), fc.boolean(), fc.constantFrom('.', ' '), (cents, withCents, group) => {
        const euros = Math.floor(cents / 100);
        const grouped = euros.toString().replace(/\B(?=(\d{3})+(?!\d))/g, group);
        const written = withCents ? `${grouped},${String(cents % 100).padStart(2, '0')}` : grouped;
        expect(germanNumberToCents(written)).toBe(withCents ? cents : euros * 100);
      }),
    );
  });

  it('takes the total, not a part of it named afterwards or a year', () => {
    const text = [
      'Das HMSI stellt dem Kreis im Jahr 2024 Haushaltsmittel in Höhe von insgesamt',
      '1.250.000 Euro',
      'zur Verfügung. Davon 50.000 Euro für Teilzeitausbildung.',
    ].join('\n');
    expect(pickTotalAmount(text)?.cents).toBe(125_000_000);
  });

  it('does not take a part amount even when it comes first and is cued', () => {
    const text = 'davon 80.000 EUR für Teilzeit; Haushaltsmittel in Höhe von 900.000 EUR';
    expect(pickTotalAmount(text)?.text).toBe('900.000 EUR');
  });

  it('finds nothing where no currency is named', () => {
    expect(findAmounts('im Jahr 2025 und 1.018.910 Teilnehmende')).toEqual([]);
  });
});
