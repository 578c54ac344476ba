import { describe, expect, it } from 'vitest';
import { acceptRecord, applyAssignments, type Assignment, CorrectionError, diffValues, parseAssignment, rejectRecord } from '../../shared/review/corrections.js';
import type { AgreementRecord } from '../../shared/schema/record.js';
import { loadFixtures } from '../support/fixtures.js';

const seed = loadFixtures().find((fixture) => fixture.expected.fileName === 'zielvereinbarung-2025-main-taunus-kreis.pdf')!.expected;
const at = new Date('2026-11-25T10:00:00.000Z');
/** The record accepted with `--set` assignments, as `review accept` does it. */
const acceptWith = (record: AgreementRecord, assignments: Assignment[], by = 'x') => acceptRecord(record, applyAssignments(record.agreement, assignments), by, at);
/** The field errors a correction is refused with. */
function fieldErrors(correct: () => unknown) {
  try {
    correct();
  } catch (error) {
    if (error instanceof CorrectionError) return error.errors;
    throw error;
  }
  throw new Error('the correction was not refused');
}

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
    const { record: accepted, entry } = acceptWith(
      record,
      [
        { path: 'agreement.signatures[1]', value: JSON.stringify({ ...signature, date: '18.8.2025' }) },
        { path: 'agreement.budgetYear', value: '2025' },
        { path: 'agreement.parties.1.name', value: 'Main-Taunus-Kreis' },
      ],
      'Prüferin',
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
    const { record: accepted, entry } = acceptWith(record, [
      { path: 'agreement.amount', value: '2.345.678,90 EUR' },
      { path: 'agreement.signatures[0].name', value: '1234' },
    ]);
    expect(accepted.agreement.amount).toEqual({ cents: 234_567_890, currency: 'EUR', text: '2.345.678,90 EUR' });
    expect(accepted.agreement.signatures![0]!.name).toBe('1234');
    expect(entry.action === 'accept' && entry.changes).toEqual([
      { path: 'agreement.amount.cents', from: 101_891_000, to: 234_567_890 },
      { path: 'agreement.amount.text', from: '1.018.910 Euro', to: '2.345.678,90 EUR' },
      { path: 'agreement.signatures[0].name', from: 'Heike Hofmann', to: '1234' },
    ]);
    expect(fieldErrors(() => acceptWith(record, [{ path: 'agreement.amount', value: 'viel Geld' }]))).toEqual([
      { path: 'agreement.amount', message: '"viel Geld" is not an amount (such as "1.018.910 Euro" or "2.345.678,50"; cents after a comma)' },
    ]);
  });

  it('refuses paths outside the agreement, gaps in lists, and a record that would not be complete, naming each field', () => {
    const record = needingReview();
    expect(() => acceptWith(record, [{ path: 'status', value: 'valid' }])).toThrow(/"status" is not a path into the agreement/);
    expect(() => acceptWith(record, [{ path: 'agreement.signatures[3].place', value: 'Hofheim' }])).toThrow(
      'agreement.signatures[3].place: the list has 1 entries; add at index 1 at most',
    );
    expect(fieldErrors(() => acceptWith(record, [{ path: 'agreement.budgetYear', value: 'zweitausend' }]))).toEqual([
      { path: 'agreement.budgetYear', message: '"zweitausend" is not a whole number' },
    ]);
    const rejected: AgreementRecord = { ...structuredClone(seed), status: 'rejected', agreement: {}, issues: [{ path: 'document', code: 'pdf.truncated', message: 'truncated' }] };
    expect(fieldErrors(() => acceptWith(rejected, []))).toEqual(
      ['title', 'program', 'budgetYear', 'parties', 'amount', 'measures', 'signatures'].map((field) => ({ path: `agreement.${field}`, message: 'is missing' })),
    );
    expect(fieldErrors(() => acceptWith(record, [{ path: 'agreement.measures[1].projects[0]', value: '   ' }]))).toEqual([
      { path: 'agreement.measures[1].projects[0]', message: 'is missing' },
    ]);
  });

  it('refuses a corrected agreement that breaks a business rule, at the field that breaks it', () => {
    const record = needingReview();
    const complete = [{ path: 'agreement.signatures[1]', value: JSON.stringify(seed.agreement.signatures![1]) }];
    expect(fieldErrors(() => acceptWith(record, [...complete, { path: 'agreement.amount', value: '950 Euro' }]))).toEqual([
      { path: 'agreement.amount', message: 'The amount 950 Euro is outside the plausible range of 10.000 to 50.000.000 Euro for one budget.' },
    ]);
    expect(fieldErrors(() => acceptWith(record, [...complete, { path: 'agreement.parties[1].name', value: 'Landkreis Hannover' }]))).toEqual([
      { path: 'agreement.parties[1].name', message: '"Landkreis Hannover" is not one of Hesse\'s 26 Landkreise and kreisfreie Städte.' },
    ]);
    expect(fieldErrors(() => acceptWith(record, [...complete, { path: 'agreement.signatures[1].date', value: '3.8.2027' }]))).toEqual([
      { path: 'agreement.signatures[1].date', message: 'The signature date 2027-08-03 lies in the future.' },
    ]);
    expect(fieldErrors(() => acceptWith(record, [...complete, { path: 'agreement.signatures[1].date', value: '31.2.2025' }]))).toEqual([
      { path: 'agreement.signatures[1].date', message: '"31.2.2025" is not a day of the calendar' },
    ]);
    expect(fieldErrors(() => acceptWith(record, []))).toEqual([
      { path: 'agreement.signatures', message: 'The agreement needs exactly one signature of the recipient, not 0.' },
    ]);
    expect(fieldErrors(() => acceptWith(record, [...complete, { path: 'agreement.parties[1].kind', value: 'kreisfreie_stadt' }]))).toEqual([
      { path: 'agreement.parties[1].kind', message: 'Main-Taunus-Kreis is a landkreis, not a kreisfreie_stadt' },
    ]);
    expect(fieldErrors(() => acceptWith(record, [...complete, { path: 'agreement.signatures[1].name', value: '' }]))).toEqual([
      { path: 'agreement.signatures[1].name', message: 'The signatory\'s name is missing.' },
    ]);
  });

  it('keeps the evidence of the values left as they were read, and drops that of corrected ones', () => {
    const record = { ...needingReview(), evidence: [
      { path: 'agreement.amount', page: 2, box: { left: 0.1, top: 0.2, width: 0.3, height: 0.02 }, source: 'tesseract' as const, confidence: 0.91, text: '1.018.910 Euro' },
      { path: 'agreement.budgetYear', page: 1, box: { left: 0.4, top: 0.1, width: 0.1, height: 0.02 }, source: 'tesseract' as const, confidence: 0.97, text: '2025' },
    ] };
    const { record: accepted } = acceptWith(record, [
      { path: 'agreement.signatures[1]', value: JSON.stringify(seed.agreement.signatures![1]) },
      { path: 'agreement.amount', value: '1.018.911' },
    ]);
    expect(accepted.agreement.amount).toEqual({ cents: 101_891_100, currency: 'EUR', text: '1.018.911 Euro' });
    expect(accepted.evidence).toEqual([record.evidence[1]]);
  });

  it('rejects a record with the reviewer\'s reason as its issue, fields kept; a reason is required', () => {
    const record = needingReview();
    const { record: rejected, entry } = rejectRecord(record, '  Entwurf,\n nicht unterschrieben ', 'Prüfer', at);
    expect(rejected).toEqual({
      ...record,
      status: 'rejected',
      issues: [...record.issues, { path: 'document', code: 'review.rejected', message: 'Rejected in review by Prüfer: Entwurf, nicht unterschrieben' }],
    });
    expect(entry).toEqual({ action: 'reject', at: '2026-11-25T10:00:00.000Z', by: 'Prüfer', reason: 'Entwurf, nicht unterschrieben' });
    expect(fieldErrors(() => rejectRecord(record, ' ', 'Prüfer', at))).toEqual([{ path: 'reason', message: 'must not be empty' }]);
    // Rejected again, the record carries the latest reason only.
    expect(rejectRecord(rejected, 'Duplikat', 'Prüferin', at).record.issues.filter((issue) => issue.code === 'review.rejected')).toEqual([
      { path: 'document', code: 'review.rejected', message: 'Rejected in review by Prüferin: Duplikat' },
    ]);
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
