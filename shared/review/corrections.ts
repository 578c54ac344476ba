import { z } from 'zod';
import { type Agreement, type AgreementRecord, agreementRecordSchema, agreementSchema, recordIssueSchema } from '../schema/record.js';
import { checkCompleteAgreement } from '../validate/rules.js';
import { type FieldError, pathOf, readAgreementInput } from './input.js';

/**
 * A person's decision on a record. Accepting takes the agreement as corrected — from the web app as
 * typed, or from `path=value` assignments (`agreement.budgetYear=2025`, `agreement.signatures[1].date=2.8.2025`,
 * `agreement.amount=1.018.910 Euro`) — reads it for people, checks it against the schema and the business
 * rules, and marks the record valid. Rejecting needs a reason. Either way, what changed, when, by whom and
 * why is kept as an audit entry.
 */

export const changeSchema = z.object({ path: z.string(), from: z.unknown(), to: z.unknown() });
export type Change = z.infer<typeof changeSchema>;

const decisionBase = { at: z.iso.datetime(), by: z.string().min(1) };
export const auditEntrySchema = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('accept'),
    ...decisionBase,
    changes: z.array(changeSchema),
    /** The issues the record carried when it was accepted. */
    resolvedIssues: z.array(recordIssueSchema),
  }),
  z.object({ action: z.literal('reject'), ...decisionBase, reason: z.string().min(1) }),
]);
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** A correction that cannot be applied; `errors` name the fields, when the problem lies in fields. */
export class CorrectionError extends Error {
  constructor(
    message: string,
    readonly errors: readonly FieldError[] = [],
  ) {
    super(errors.length === 0 ? message : `${message}:\n  ${errors.map((error) => `${error.path}: ${error.message}`).join('\n  ')}`);
  }
}

export interface Assignment {
  path: string;
  value: string;
}

type Segment = string | number;

/** "agreement.parties[1].name" or "agreement.parties.1.name" → ["agreement", "parties", 1, "name"]. */
const PATH = /^agreement(\.[A-Za-z]+|\[\d+\]|\.\d+)*$/;

function segmentsOf(path: string): Segment[] {
  if (!PATH.test(path)) {
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
 * The value to set: a JSON list or object where one is given (`agreement.signatures[1]={…}`), the text
 * itself otherwise — read for people afterwards with the rest of the agreement.
 */
function valueFor(path: string, text: string): unknown {
  if (!/^\s*[[{]/.test(text)) return text;
  try {
    return JSON.parse(text);
  } catch {
    throw new CorrectionError(`${path}: "${text}" is not a JSON list or object`);
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
  container[last] = valueFor(path, text);
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

/** The agreement with `path=value` assignments applied, values as typed (for `acceptRecord`). */
export function applyAssignments(agreement: Partial<Agreement>, assignments: readonly Assignment[]): unknown {
  const target = { agreement: structuredClone(agreement) } as Record<string | number, unknown>;
  for (const assignment of assignments) setAt(target, segmentsOf(assignment.path), assignment.value, assignment.path);
  return target.agreement;
}

/** The schema's complaint about a value, for a person. */
function describeSchemaIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is missing';
  if (issue.code === 'too_small' && issue.origin === 'string') return 'must not be empty';
  return issue.message;
}

/** The value at a path such as "agreement.measures[2].title", if there is one (none for a path outside the agreement). */
function valueAt(root: unknown, path: string): unknown {
  if (!PATH.test(path)) return undefined;
  return segmentsOf(path).reduce<unknown>((value, segment) => (typeof value === 'object' && value !== null ? (value as Record<string | number, unknown>)[segment] : undefined), { agreement: root });
}

/**
 * The record with the corrected agreement, marked valid, its issues resolved. The agreement is read for
 * people, must be complete and well-formed, and must pass the business rules; every problem is named at
 * its field. Evidence is kept for the values left as they were read.
 */
export function acceptRecord(record: AgreementRecord, corrected: unknown, by: string, at: Date): { record: AgreementRecord; entry: AuditEntry } {
  const { agreement, errors } = readAgreementInput(corrected, record.agreement);
  if (errors.length > 0) throw new CorrectionError('some values cannot be read', errors);
  const complete = agreementSchema.safeParse(agreement);
  if (!complete.success) {
    throw new CorrectionError(
      'the corrected agreement is not complete or not well-formed',
      complete.error.issues.map((issue) => ({ path: pathOf(['agreement', ...(issue.path as Segment[])]), message: describeSchemaIssue(issue) })),
    );
  }
  const problems = checkCompleteAgreement(complete.data, at);
  if (problems.length > 0) throw new CorrectionError('the corrected agreement breaks the rules a valid one keeps', problems.map(({ path, message }) => ({ path, message })));

  const evidence = record.evidence?.filter((entry) => JSON.stringify(valueAt(record.agreement, entry.path)) === JSON.stringify(valueAt(complete.data, entry.path)));
  const accepted = agreementRecordSchema.parse({ ...record, agreement: complete.data, status: 'valid', issues: [], ...(evidence ? { evidence } : {}) });
  return {
    record: accepted,
    entry: { action: 'accept', at: at.toISOString(), by, changes: diffValues(record.agreement, accepted.agreement, 'agreement'), resolvedIssues: record.issues },
  };
}

/** The record marked rejected with the person's reason as its issue; its fields stay as they are. */
export function rejectRecord(record: AgreementRecord, reason: string, by: string, at: Date): { record: AgreementRecord; entry: AuditEntry } {
  const why = reason.replace(/\s+/g, ' ').trim();
  if (!why) throw new CorrectionError('a rejection needs a reason', [{ path: 'reason', message: 'must not be empty' }]);
  const issues = [...record.issues.filter((issue) => issue.code !== 'review.rejected'), { path: 'document', code: 'review.rejected', message: `Rejected in review by ${by}: ${why}` }];
  return {
    record: agreementRecordSchema.parse({ ...record, status: 'rejected', issues }),
    entry: { action: 'reject', at: at.toISOString(), by, reason: why },
  };
}
