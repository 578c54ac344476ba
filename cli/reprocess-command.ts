import { TextractClient } from '@aws-sdk/client-textract';
import { type ExtractionConfig, extractionConfigFromEnv, type OcrMode } from '../shared/config.js';
import { EXTRACTOR_VERSION } from '../shared/extract/version.js';
import { ReaderPool } from '../shared/isolation/reader-pool.js';
import type { AsyncOcrService, OcrEngine } from '../shared/ocr/engine.js';
import { TextractOcrService } from '../shared/ocr/textract.js';
import type { StoredDocument } from '../shared/store/records.js';
import { type ReprocessOutcome, reprocessDocument } from '../shared/pipeline/reprocess.js';
import type { DeploymentOptions } from './deployment-options.js';
import { resolveDeployment } from './deployment.js';
import { UsageError } from './files.js';

/**
 * `agreements reprocess`: the current extractor, run in this process on the stored PDFs of everything,
 * of one status, of one batch, or of one status within one batch; prints what changed and stores the new
 * records (not with --dry-run).
 * Scans are read by the deployment's own OCR engine, so that a record keeps its reader: Textract (in
 * AWS, or the stand-in that AWS_ENDPOINT_URL_TEXTRACT names locally), or tesseract.js in this process.
 */

export interface ReprocessOptions extends DeploymentOptions {
  all: boolean;
  status?: string;
  batch?: string;
  dryRun: boolean;
  json: boolean;
  ocr: OcrMode;
}

const show = (value: unknown) => (value === undefined ? '—' : JSON.stringify(value));

function describe(outcome: ReprocessOutcome): string {
  const evidence = (outcome.kind === 'changed' || outcome.kind === 'unchanged') && outcome.evidenceAdded ? '; evidence added' : '';
  const head = `${outcome.kind.padEnd(9)} ${outcome.fileName} (${outcome.documentId.slice(0, 19)}…)${evidence}`;
  switch (outcome.kind) {
    case 'changed':
      return [head, ...outcome.changes.map((change) => `    ${change.path}: ${show(change.from)} → ${show(change.to)}`)].join('\n');
    case 'unchanged':
      return outcome.previousVersion === EXTRACTOR_VERSION ? head : `${head}; made by extractor ${outcome.previousVersion ?? 'of unknown version'}, now ${EXTRACTOR_VERSION}`;
    case 'kept':
    case 'failed':
    case 'conflict':
      return `${head}: ${outcome.reason}`;
  }
}

export async function runReprocess(options: ReprocessOptions): Promise<ReprocessOutcome[]> {
  const selected = options.status !== undefined || options.batch !== undefined;
  if (options.all === selected) throw new UsageError('choose what to reprocess: --all, or --status STATUS, --batch ID or both');
  const deployment = resolveDeployment(options);
  const stores = await deployment.stores();
  const records = stores.records();
  let documents: StoredDocument[];
  if (options.batch !== undefined) {
    const batches = stores.batches();
    if (!(await batches.get(options.batch))) throw new UsageError(`there is no batch "${options.batch}"`);
    documents = await records.getMany(await batches.documentIds(options.batch));
    // Of the batch, those of the status; a document still in OCR has none yet.
    if (options.status !== undefined) documents = documents.filter((stored) => stored.record?.status === options.status);
  } else if (options.status !== undefined) {
    documents = await records.withStatus(options.status);
  } else {
    documents = [];
    for await (const stored of records.scan()) documents.push(stored);
  }

  // Reports are asked for again only when something is stored; resolved first, so that a missing queue stops the run before any work.
  const tracker = options.dryRun ? undefined : stores.tracker();
  const config: ExtractionConfig = { ...extractionConfigFromEnv(process.env), ocr: options.ocr };
  const s3 = deployment.s3();
  const bucket = deployment.bucket();
  let ocr: OcrEngine | undefined;
  let asyncOcr: AsyncOcrService | undefined;
  switch (deployment.ocrEngine()) {
    case 'textract':
      asyncOcr = new TextractOcrService({ textract: new TextractClient({}), s3, bucket });
      break;
    case 'tesseract': {
      const { TesseractOcrEngine } = await import('../shared/ocr/tesseract.js');
      ocr = new TesseractOcrEngine(undefined, config.ocrDpi);
      break;
    }
    case 'none':
      break;
  }
  // One document after another, each in a reader process under the limits, as `extract` reads them.
  const reader = new ReaderPool(1);
  const dependencies = { s3, bucket, records, config: deployment.ocrEngine() === 'none' ? { ...config, ocr: 'never' as const } : config, ocr, asyncOcr, reader };
  const outcomes: ReprocessOutcome[] = [];
  const changedBatches = new Set<string>();
  try {
    for (const stored of documents) {
      const outcome = await reprocessDocument(stored, dependencies, { now: new Date(), dryRun: options.dryRun });
      outcomes.push(outcome);
      process.stdout.write(options.json ? `${JSON.stringify(outcome)}\n` : `${describe(outcome)}\n`);
      if (tracker && outcome.kind === 'changed') for (const batchId of await tracker.batchesReporting(stored.documentId)) changedBatches.add(batchId);
    }
  } finally {
    await Promise.all([ocr?.close(), reader.close()]);
    // What was stored before a failure changed its batches' reports too.
    for (const batchId of changedBatches) await tracker?.recordChanged(batchId);
  }
  if (!options.json) {
    const count = (kind: ReprocessOutcome['kind']) => outcomes.filter((outcome) => outcome.kind === kind).length;
    process.stdout.write(
      `${outcomes.length} document${outcomes.length === 1 ? '' : 's'}: ${count('changed')} changed, ${count('unchanged')} unchanged, ${count('kept')} kept, ${count('failed') + count('conflict')} failed${options.dryRun ? ' (dry run: nothing stored)' : ''}\n`,
    );
    if (changedBatches.size > 0) process.stdout.write(`report asked for again: ${[...changedBatches].join(', ')}\n`);
  }
  return outcomes;
}
