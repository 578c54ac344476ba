import { userInfo } from 'node:os';
import { applyAssignments, CorrectionError, parseAssignment } from '../shared/review/corrections.js';
import { describeValue, reviewValues, valuesOfIssue } from '../shared/report/review-values.js';
import { recipientOf } from '../shared/report/rows.js';
import { type StoredDocument, VersionConflictError } from '../shared/store/records.js';
import { acceptReview, type Decision, findDocument, rejectReview, type ReviewStores, reviewQueue } from '../shared/store/review.js';
import type { DeploymentOptions } from './deployment-options.js';
import { resolveDeployment } from './deployment.js';
import { UsageError } from './files.js';

/** `agreements review list`, `review accept` and `review reject`: the review queue, and a person's decisions on it. */

const shortId = (documentId: string) => documentId.slice('sha256:'.length, 'sha256:'.length + 12);
const truncate = (text: string, width: number) => (text.length <= width ? text : `${text.slice(0, width - 1)}…`);

export async function runReviewList(options: DeploymentOptions & { json: boolean }): Promise<void> {
  const queue = await reviewQueue((await resolveDeployment(options).stores()).records());
  const documents = queue.flatMap((stored) => (stored.record ? [{ stored, record: stored.record }] : []));
  if (options.json) {
    for (const { stored, record } of documents) {
      process.stdout.write(`${JSON.stringify({ documentId: record.documentId, fileName: record.fileName, status: record.status, recipient: recipientOf(record)?.name, budgetYear: record.agreement.budgetYear, keys: stored.keys, issues: record.issues, values: reviewValues(record) })}\n`);
    }
    return;
  }
  if (documents.length === 0) {
    process.stdout.write('the review queue is empty\n');
    return;
  }
  const rows = documents.map(({ record }) => [
    shortId(record.documentId),
    truncate(record.fileName, 40),
    record.status,
    recipientOf(record)?.name ?? '',
    record.agreement.budgetYear?.toString() ?? '',
    record.issues.map((issue) => issue.code).join(', '),
  ]);
  const header = ['id', 'file', 'status', 'recipient', 'year', 'reasons'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  process.stdout.write(`${[line(header), ...rows.map(line)].join('\n')}\n\n`);
  for (const { record } of documents) {
    const values = reviewValues(record);
    const lines = record.issues.flatMap((issue) => [
      `  ${issue.path} ${issue.code}: ${issue.message}`,
      // Where each value the issue concerns was read, to find it on the page.
      ...valuesOfIssue(values, issue).map((value) => `    ${value.path}: ${describeValue(value)}`),
    ]);
    process.stdout.write(`${shortId(record.documentId)} ${record.fileName}\n${lines.join('\n')}\n`);
  }
}

export interface AcceptOptions extends DeploymentOptions {
  set: string[];
  by?: string;
}

export interface RejectOptions extends DeploymentOptions {
  reason: string;
  by?: string;
}

const show = (value: unknown) => (value === undefined ? '—' : JSON.stringify(value));

/**
 * Reads the document, makes the decision and writes it over the version read. A correction that cannot
 * be applied is a usage error; a record someone else changed in between is reported with its current
 * state, and nothing is saved.
 */
async function decideOnCommandLine(reference: string, options: DeploymentOptions & { by?: string }, decide: (stored: StoredDocument, stores: ReviewStores, by: string) => Promise<Decision>): Promise<Decision> {
  const deployment = resolveDeployment(options);
  const { records: recordsTable, tracker } = await deployment.stores();
  const records = recordsTable();
  const stores = { s3: deployment.s3(), bucket: deployment.bucket(), records, tracker: tracker() };
  const by = options.by ?? userInfo().username;
  try {
    return await decide(await findDocument(records, reference), stores, by);
  } catch (error) {
    if (error instanceof CorrectionError) throw new UsageError(error.message);
    if (error instanceof VersionConflictError) {
      const current = await records.get(error.documentId);
      const last = current?.audit.at(-1);
      // One line on stderr and exit code 1, as for any failure (cli/errors.ts).
      throw new Error(
        `${error.message}.\n  now: ${current?.record?.status ?? 'no record'}${last ? `, ${last.action === 'accept' ? 'accepted' : 'rejected'} by ${last.by} at ${last.at}` : ''}; look at it again (review list), then decide`,
      );
    }
    throw error;
  }
}

function printReports(decision: Decision): void {
  if (decision.reportsRequested.length > 0) process.stdout.write(`  report asked for again: ${decision.reportsRequested.join(', ')}\n`);
}

export async function runReviewAccept(reference: string, options: AcceptOptions): Promise<void> {
  const assignments = (() => {
    try {
      return options.set.map(parseAssignment);
    } catch (error) {
      throw error instanceof CorrectionError ? new UsageError(error.message) : error;
    }
  })();
  const decision = await decideOnCommandLine(reference, options, (stored, stores, by) =>
    acceptReview(stored, applyAssignments(stored.record?.agreement ?? {}, assignments), by, stores, new Date()),
  );
  const { record, entry } = decision;
  process.stdout.write(`accepted ${record.documentId} (${record.fileName}) as valid, by ${entry.by}\n`);
  if (entry.action === 'accept') {
    for (const change of entry.changes) process.stdout.write(`  ${change.path}: ${show(change.from)} → ${show(change.to)}\n`);
    if (entry.resolvedIssues.length > 0) process.stdout.write(`  resolved: ${entry.resolvedIssues.map((issue) => issue.code).join(', ')}\n`);
  }
  printReports(decision);
}

export async function runReviewReject(reference: string, options: RejectOptions): Promise<void> {
  const decision = await decideOnCommandLine(reference, options, (stored, stores, by) => rejectReview(stored, options.reason, by, stores, new Date()));
  process.stdout.write(`rejected ${decision.record.documentId} (${decision.record.fileName}), by ${decision.entry.by}: ${options.reason.trim()}\n`);
  printReports(decision);
}
