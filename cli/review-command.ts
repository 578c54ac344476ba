import { userInfo } from 'node:os';
import { CorrectionError, parseAssignment } from '../shared/review/corrections.js';
import { recipientOf } from '../shared/report/rows.js';
import { acceptReview, findDocument, reviewQueue } from '../shared/store/review.js';
import { type DeploymentOptions, resolveDeployment } from './deployment.js';
import { UsageError } from './files.js';

/** `agreements review list` and `agreements review accept`: the review queue, and a person's decision on it. */

const shortId = (documentId: string) => documentId.slice('sha256:'.length, 'sha256:'.length + 12);
const truncate = (text: string, width: number) => (text.length <= width ? text : `${text.slice(0, width - 1)}…`);

export async function runReviewList(options: DeploymentOptions & { json: boolean }): Promise<void> {
  const queue = await reviewQueue(resolveDeployment(options).records());
  const documents = queue.flatMap((stored) => (stored.record ? [{ stored, record: stored.record }] : []));
  if (options.json) {
    for (const { stored, record } of documents) {
      process.stdout.write(`${JSON.stringify({ documentId: record.documentId, fileName: record.fileName, status: record.status, recipient: recipientOf(record)?.name, budgetYear: record.agreement.budgetYear, keys: stored.keys, issues: record.issues })}\n`);
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
    process.stdout.write(`${shortId(record.documentId)} ${record.fileName}\n${record.issues.map((issue) => `  ${issue.path} ${issue.code}: ${issue.message}`).join('\n')}\n`);
  }
}

export interface AcceptOptions extends DeploymentOptions {
  set: string[];
  by?: string;
}

export async function runReviewAccept(reference: string, options: AcceptOptions): Promise<void> {
  const deployment = resolveDeployment(options);
  const table = deployment.records();
  try {
    const assignments = options.set.map(parseAssignment);
    const stored = await findDocument(table, reference);
    const by = options.by ?? userInfo().username;
    const { record, entry } = await acceptReview(stored, assignments, by, { s3: deployment.s3(), bucket: deployment.bucket(), table }, new Date());
    process.stdout.write(`accepted ${record.documentId} (${record.fileName}) as valid, by ${by}\n`);
    const show = (value: unknown) => (value === undefined ? '—' : JSON.stringify(value));
    for (const change of entry.changes) process.stdout.write(`  ${change.path}: ${show(change.from)} → ${show(change.to)}\n`);
    if (entry.resolvedIssues.length > 0) process.stdout.write(`  resolved: ${entry.resolvedIssues.map((issue) => issue.code).join(', ')}\n`);
  } catch (error) {
    if (error instanceof CorrectionError) throw new UsageError(error.message);
    throw error;
  }
}
