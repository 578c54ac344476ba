import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type OcrCost, textractCost } from '../shared/report/model.js';
import { batchManifestSchema } from '../shared/schema/manifest.js';
import { type BatchesTable, type BatchState, isComplete } from '../shared/store/batches.js';
import { manifestKey } from '../shared/keys.js';
import type { RecordsTable } from '../shared/store/records.js';
import type { DeploymentOptions } from './deployment-options.js';
import { type Deployment, resolveDeployment } from './deployment.js';
import { UsageError } from './files.js';

/** Where a batch stands: what its manifest expects, what has been processed, and how it came out. */
export interface BatchProgress {
  batch: string;
  createdAt?: string;
  expected?: number;
  processed: number;
  valid: number;
  needs_review: number;
  rejected: number;
  /** Documents whose scanned pages an OCR job is still reading. */
  awaitingOcr: number;
  complete: boolean;
  reportKeys: string[];
  /** Pages read by OCR (Textract) for the batch's records, and their estimated cost; digital pages cost nothing. */
  ocr: OcrCost;
}

export async function batchProgress(batch: BatchState, batches: BatchesTable, records: RecordsTable, textractPricePer1000PagesUsd?: number): Promise<BatchProgress> {
  const documents = await records.getMany(await batches.documentIds(batch.batchId));
  const count = (status: string) => documents.filter((document) => document.record?.status === status).length;
  // A document is counted against its batch once its record is stored; until then, OCR may be reading it.
  const awaitingOcr = (await records.withStatus('awaiting_ocr')).filter((document) => document.batchId === batch.batchId && !document.record).length;
  return {
    batch: batch.batchId,
    createdAt: batch.createdAt,
    expected: batch.expected,
    processed: batch.processed,
    valid: count('valid'),
    needs_review: count('needs_review'),
    rejected: count('rejected'),
    awaitingOcr,
    complete: isComplete(batch),
    reportKeys: batch.reportKeys ?? [],
    ocr: textractCost(
      documents.reduce((pages, document) => pages + (document.textractPages ?? 0), 0),
      textractPricePer1000PagesUsd,
    ),
  };
}

const COLUMNS = ['batch', 'expected', 'processed', 'valid', 'needs_review', 'rejected', 'in OCR', 'OCR pages', 'Textract cost', 'report'] as const;

function row(progress: BatchProgress): string[] {
  return [
    progress.batch,
    progress.expected === undefined ? '?' : String(progress.expected),
    String(progress.processed),
    String(progress.valid),
    String(progress.needs_review),
    String(progress.rejected),
    String(progress.awaitingOcr),
    String(progress.ocr.textractPages),
    // A page costs a fraction of a cent: to the hundredth of a cent.
    `$${progress.ocr.estimatedCostUsd.toFixed(4)}`,
    progress.reportKeys.length > 0 ? 'ready' : progress.complete ? 'being written' : '—',
  ];
}

export function formatProgress(rows: readonly BatchProgress[]): string {
  const cells = [COLUMNS.map(String), ...rows.map(row)];
  const widths = COLUMNS.map((_, column) => Math.max(...cells.map((line) => line[column]!.length)));
  return cells.map((line) => line.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')).join('\n');
}

export interface StatusOptions extends DeploymentOptions {
  batch?: string;
  watch: boolean;
  json: boolean;
  /** Seconds between refreshes with --watch. */
  interval: number;
  /** Textract's price per 1,000 pages the cost is estimated at, US dollars. */
  textractPrice?: number;
}

/**
 * A batch whose first document is still on its way has no item in the batches table yet; its manifest,
 * written before the first upload, already says how many documents it expects.
 */
async function uploadedBatch(s3: S3Client, bucket: string, batchId: string): Promise<BatchState | undefined> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: manifestKey(batchId) }));
    const manifest = batchManifestSchema.parse(JSON.parse(await object.Body!.transformToString()));
    return { batchId, expected: manifest.expected, processed: 0, reportRequests: 0, createdAt: manifest.createdAt };
  } catch (error) {
    if (error instanceof Error && error.name === 'NoSuchKey') return undefined;
    throw error;
  }
}

async function snapshot(deployment: Deployment, batchId?: string, textractPrice?: number): Promise<BatchProgress[]> {
  const stores = await deployment.stores();
  const records = stores.records();
  const batches = stores.batches();
  if (batchId) {
    const batch = (await batches.get(batchId)) ?? (await uploadedBatch(deployment.s3(), deployment.bucket(), batchId));
    if (!batch) throw new UsageError(`there is no batch "${batchId}"`);
    return [await batchProgress(batch, batches, records, textractPrice)];
  }
  return Promise.all((await batches.list()).map((batch) => batchProgress(batch, batches, records, textractPrice)));
}

export async function runStatus(options: StatusOptions): Promise<BatchProgress[]> {
  const deployment = resolveDeployment(options);
  const bucket = options.watch || options.batch ? deployment.bucket() : undefined;
  const show = (rows: BatchProgress[]) =>
    options.json ? `${rows.map((progress) => JSON.stringify(progress)).join('\n')}\n` : `${rows.length ? formatProgress(rows) : 'no batches yet'}\n`;

  let rows = await snapshot(deployment, options.batch, options.textractPrice);
  if (!options.watch) {
    process.stdout.write(show(rows));
    if (bucket) for (const key of rows[0]?.reportKeys ?? []) process.stdout.write(`report: s3://${bucket}/${key}\n`);
    return rows;
  }
  // Watching: redraw in place on a terminal, print a line whenever something changed otherwise; stop
  // once every watched batch has its report.
  let previous = '';
  for (;;) {
    const text = show(rows);
    if (text !== previous) {
      if (process.stdout.isTTY && previous) process.stdout.write(`\x1b[${previous.split('\n').length - 1}A\x1b[0J`);
      process.stdout.write(text);
      previous = text;
    }
    if (rows.length > 0 && rows.every((progress) => progress.reportKeys.length > 0)) break;
    await new Promise((resolve) => setTimeout(resolve, options.interval * 1000));
    rows = await snapshot(deployment, options.batch, options.textractPrice);
  }
  for (const progress of rows) for (const key of progress.reportKeys) process.stdout.write(`report: s3://${bucket}/${key}\n`);
  return rows;
}
