import { describe, expect, it } from 'vitest';
import { acceptRecord, CorrectionError, diffValues, parseAssignment } from '../../shared/review/corrections.js';
import type { AgreementRecord } from '../../shared/schema/record.js';
import { loadFixtures } from '../support/fixtures.js';

const seed = loadFixtures().find((fixture) => fixture.expected.fileName === 'zielvereinbarung-2025-main-taunus-kreis.pdf')!.expected;
const at = new Date('2026-11-25T10:00:00.000Z');

/** The seed's record as it would come out of a scan whose recipient signature lost its date. */
function needingReview(): AgreementRecord {
  const record = structuredClone(seed);
  record.status = 'needs_review';
  record.agreement.signatures = [record.agreement.signatures![0]!];
  record.issues = [{ path: 'agreement.signatures', code: 'signature.missing', message: 'The recipient\'s signature was not found.' }];
  return record;
}

describe('review corrections', () => {
  it('splits path=value at the first equals sign', () => {
    expect(parseAssignment('agreement.title=A = B')).toEqual({ path: 'agreement.title', value: 'A = B' });
    expect(() => parseAssignment('agreement.title')).toThrow(new CorrectionError('"agreement.title" is not of the form path=value'));
    expect(() => parseAssignment('=x')).toThrow(CorrectionError);
  });

  it('accepts a record with corrections: valid, no issues, an audit entry listing each change and the resolved issues', () => {
    const record = needingReview();
    const signature = seed.agreement.signatures![1]!;
    const { record: accepted, entry } = acceptRecord(
      record,
      [
        { path: 'agreement.signatures[1]', value: JSON.stringify(signature) },
        { path: 'agreement.budgetYear', value: '2025' },
        { path: 'agreement.parties.1.name', value: 'Main-Taunus-Kreis' },
      ],
      'Prüferin',
      at,
    );
    expect(accepted).toEqual({ ...seed, status: 'valid', issues: [] });
    expect(entry).toEqual({
      action: 'accept',
      at: '2026-11-25T10:00:00.000Z',
      by: 'Prüferin',
      changes: [{ path: 'agreement.signatures[1]', from: undefined, to: signature }],
      resolvedIssues: record.issues,
    });
    // The record passed in is left as it was.
    expect(record.agreement.signatures).toHaveLength(1);
  });

  it('reads an amount in German notation for agreement.amount, and keeps text fields text', () => {
    const record = structuredClone(seed);
    const { record: accepted, entry } = acceptRecord(
      record,
      [
        { path: 'agreement.amount', value: '2.345.678,90 EUR' },
        { path: 'agreement.signatures[0].name', value: '1234' },
      ],
      'x',
      at,
    );
    expect(accepted.agreement.amount).toEqual({ cents: 234_567_890, currency: 'EUR', text: '2.345.678,90 EUR' });
    expect(accepted.agreement.signatures![0]!.name).toBe('1234');
    expect(entry.changes).toEqual([
      { path: 'agreement.amount.cents', from: 101_891_000, to: 234_567_890 },
      { path: 'agreement.amount.text', from: '1.018.910 Euro', to: '2.345.678,90 EUR' },
      { path: 'agreement.signatures[0].name', from: 'Heike Hofmann', to: '1234' },
    ]);
    expect(() => acceptRecord(record, [{ path: 'agreement.amount', value: 'viel Geld' }], 'x', at)).toThrow(
      new CorrectionError('"viel Geld" is not an amount (such as "1.018.910 Euro" or "2.345.678,00 EUR")'),
    );
  });

  it('refuses paths outside the agreement, gaps in lists, and a record that would not be complete', () => {
    const record = needingReview();
    expect(() => acceptRecord(record, [{ path: 'status', value: 'valid' }], 'x', at)).toThrow(/"status" is not a path into the agreement/);
    expect(() => acceptRecord(record, [{ path: 'agreement.signatures[3].place', value: 'Hofheim' }], 'x', at)).toThrow(
      'agreement.signatures[3].place: the list has 1 entries; add at index 1 at most',
    );
    expect(() => acceptRecord(record, [{ path: 'agreement.budgetYear', value: 'zweitausend' }], 'x', at)).toThrow(
      /agreement\.budgetYear: Invalid input: expected number, received string/,
    );
    const rejected: AgreementRecord = { ...structuredClone(seed), status: 'rejected', agreement: {}, issues: [{ path: 'document', code: 'pdf.truncated', message: 'truncated' }] };
    expect(() => acceptRecord(rejected, [], 'x', at)).toThrow('a rejected document holds no agreement; give its fields with --set');
    expect(() => acceptRecord(rejected, [{ path: 'agreement.budgetYear', value: '2025' }], 'x', at)).toThrow(/agreement\.title: Invalid input/);
  });

  it('lists the differences between two records leaf by leaf', () => {
    const after = structuredClone(seed);
    after.status = 'needs_review';
    after.agreement.measures![1]!.projects.push('Neu');
    after.agreement.measures!.pop();
    expect(diffValues(seed, after)).toEqual([
      { path: 'status', from: 'valid', to: 'needs_review' },
      { path: 'agreement.measures[1].projects[0]', from: undefined, to: 'Neu' },
      { path: 'agreement.measures[3]', from: seed.agreement.measures![3], to: undefined },
    ]);
    expect(diffValues(seed, structuredClone(seed))).toEqual([]);
  });
});
