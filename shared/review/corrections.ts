import { z } from 'zod';
import { pickTotalAmount } from '../extract/amount.js';
import { type AgreementRecord, agreementRecordSchema, agreementSchema } from '../schema/record.js';

/**
 * A person's review of a record: corrections given as `path=value` assignments (`agreement.budgetYear=2025`,
 * `agreement.signatures[1].date=2025-08-18`, `agreement.amount=1.018.910 Euro`), applied to the record,
 * which then counts as valid. What changed, when and by whom is kept as an audit entry.
 */

export const changeSchema = z.object({ path: z.string(), from: z.unknown(), to: z.unknown() });
export type Change = z.infer<typeof changeSchema>;

export const auditEntrySchema = z.object({
  action: z.literal('accept'),
  at: z.iso.datetime(),
  by: z.string().min(1),
  changes: z.array(changeSchema),
  /** The issues the record carried when it was accepted. */
  resolvedIssues: z.array(z.object({ path: z.string(), code: z.string(), message: z.string() })),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export class CorrectionError extends Error {}

export interface Assignment {
  path: string;
  value: string;
}

type Segment = string | number;

/** "agreement.parties[1].name" or "agreement.parties.1.name" → ["agreement", "parties", 1, "name"]. */
function segmentsOf(path: string): Segment[] {
  if (!/^agreement(\.[A-Za-z]+|\[\d+\]|\.\d+)*$/.test(path)) {
    throw new CorrectionError(`"${path}" is not a path into the agreement (such as agreement.budgetYear or agreement.signatures[1].date)`);
  }
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
}

export function parseAssignment(text: string): Assignment {
  const at = text.indexOf('=');
  if (at <= 0) throw new CorrectionError(`"${text}" is not of the form path=value`);
  return { path: text.slice(0, at).trim(), value: text.slice(at + 1) };
}

/**
 * The value to store: an amount written in any German form for `agreement.amount`; JSON (a number, a
 * list, an object) where the field does not hold text; the text itself otherwise.
 */
function valueFor(path: string, text: string, current: unknown): unknown {
  if (path === 'agreement.amount') {
    const amount = pickTotalAmount(text);
    if (!amount) throw new CorrectionError(`"${text}" is not an amount (such as "1.018.910 Euro" or "2.345.678,00 EUR")`);
    return { cents: amount.cents, currency: 'EUR', text: amount.text };
  }
  if (typeof current === 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function setAt(target: Record<string | number, unknown>, segments: readonly Segment[], text: string, path: string): void {
  // A list grows by one entry at a time: an index past its end would leave a gap.
  const checkIndex = (container: unknown, segment: Segment) => {
    if (typeof segment === 'number' && Array.isArray(container) && segment > container.length) {
      throw new CorrectionError(`${path}: the list has ${container.length} entries; add at index ${container.length} at most`);
    }
  };
  let container: Record<string | number, unknown> = target;
  for (const [index, segment] of segments.slice(0, -1).entries()) {
    checkIndex(container, segment);
    const next = container[segment];
    if (next === undefined) {
      // A missing object or list on the way is created: `agreement.amount.cents` on a record without an amount.
      container[segment] = typeof segments[index + 1] === 'number' ? [] : {};
    } else if (typeof next !== 'object' || next === null) {
      throw new CorrectionError(`${path}: ${segments.slice(0, index + 1).join('.')} is not an object or a list`);
    }
    container = container[segment] as Record<string | number, unknown>;
  }
  const last = segments.at(-1)!;
  checkIndex(container, last);
  container[last] = valueFor(path, text, container[last]);
}

/** What differs between two JSON values, leaf by leaf, as paths such as "agreement.measures[2].title". */
export function diffValues(before: unknown, after: unknown, path = ''): Change[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const isContainer = (value: unknown) => typeof value === 'object' && value !== null;
  if (!isContainer(before) || !isContainer(after) || Array.isArray(before) !== Array.isArray(after)) return [{ path, from: before, to: after }];
  const join = (key: string | number) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);
  if (Array.isArray(before) && Array.isArray(after)) {
    return Array.from({ length: Math.max(before.length, after.length) }, (_, index) => diffValues(before[index], after[index], join(index))).flat();
  }
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((key) => diffValues(a[key], b[key], join(key)));
}

/**
 * The record with the assignments applied, marked valid, its issues resolved. A valid record must be
 * complete, so the result has to hold every field of the agreement; what is still missing is named.
 */
export function acceptRecord(record: AgreementRecord, assignments: readonly Assignment[], by: string, at: Date): { record: AgreementRecord; entry: AuditEntry } {
  if (record.status === 'rejected' && assignments.length === 0) {
    throw new CorrectionError('a rejected document holds no agreement; give its fields with --set');
  }
  const corrected = structuredClone(record) as AgreementRecord & Record<string, unknown>;
  for (const assignment of assignments) setAt(corrected, segmentsOf(assignment.path), assignment.value, assignment.path);

  const complete = agreementSchema.safeParse(corrected.agreement);
  if (!complete.success) {
    const problems = complete.error.issues.map((issue) => `agreement.${issue.path.join('.')}: ${issue.message}`);
    throw new CorrectionError(`the corrected record is not complete or not well-formed:\n  ${problems.join('\n  ')}`);
  }
  const accepted = agreementRecordSchema.parse({ ...corrected, agreement: complete.data, status: 'valid', issues: [] });
  return {
    record: accepted,
    entry: { action: 'accept', at: at.toISOString(), by, changes: diffValues(record.agreement, accepted.agreement, 'agreement'), resolvedIssues: record.issues },
  };
}
