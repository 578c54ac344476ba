import type { Extraction } from '../extract-document.js';
import { documentIdOf, rejectedRecord } from '../extract/rejected.js';
import { headUpload, readUpload, streamedSha256, type UploadHead } from '../store/document-objects.js';
import { baseName, type IngestOutcome, patienceOf, type PipelineDependencies, retryingConflicts } from './dependencies.js';
import { failedInPipeline } from './pipeline-failure.js';
import { reportAgain, storeRecord, trackBatch } from './store-extraction.js';

/**
 * One uploaded object through the pipeline: size checked before download, record extracted (or taken
 * from the table when the same bytes were seen before), stored in the table and as
 * records/<sha256>.json, and a rejected original copied to quarantine/. Safe to run twice for the same
 * object or for the same bytes under another key.
 *
 * With an asynchronous OCR service (Textract in AWS), a document with scanned pages is not extracted
 * here: its scanned pages are sent to the service, and `completeOcr` finishes it when the job reports.
 * Every other document is read once, in the same reading that looked for scanned pages.
 */
export function ingestObject(key: string, dependencies: PipelineDependencies): Promise<IngestOutcome> {
  return retryingConflicts(() => ingestOnce(key, dependencies));
}

const isPdfKey = (key: string) => /\.pdf$/i.test(key);

async function ingestOnce(key: string, dependencies: PipelineDependencies): Promise<IngestOutcome> {
  const { records, config } = dependencies;
  if (!isPdfKey(key)) return { kind: 'skipped', key, reason: 'not a .pdf key' };
  const now = dependencies.now?.() ?? new Date();
  const head = await headUpload(key, dependencies);
  const { batchId } = head;
  if (head.size > config.limits.maxFileBytes) return ingestOversized(key, head, dependencies, now);

  const bytes = await readUpload(key, dependencies);
  const documentId = documentIdOf(bytes);
  const known = await records.get(documentId);
  // A record that says the pipeline failed is no answer: a redriven message reads the document again.
  const replacesFailure = known?.record !== undefined && failedInPipeline(known.record);
  if (known) {
    await records.addKey(documentId, key);
    if (known.record && !replacesFailure) {
      await trackBatch(batchId, key, documentId, dependencies, now);
      return { kind: 'stored', key, record: known.record, reused: true };
    }
    // A job still under way is awaited; one that never reported back (or a deployment that has since
    // switched to reading scans itself) is not, and the document is read again.
    if (known.ocrJob && dependencies.asyncOcr && now.getTime() - Date.parse(known.ocrJob.startedAt) < patienceOf(dependencies)) {
      return { kind: 'awaiting-ocr', key, documentId, pages: known.ocrJob.pages };
    }
  }

  const read = { documentId, config, now: dependencies.now };
  let extraction: Extraction;
  if (dependencies.asyncOcr) {
    const plan = await dependencies.reader.extractOrPlanOcr(bytes, baseName(key), read);
    if (plan.kind === 'ocr') {
      const jobId = await dependencies.asyncOcr.start({ documentId, bytes, pages: plan.pages, attempt: Math.floor(now.getTime() / patienceOf(dependencies)) });
      await records.putAwaitingOcr(documentId, key, { jobId, pages: plan.pages, key, startedAt: now.toISOString() }, now, known?.version ?? 0, batchId);
      return { kind: 'awaiting-ocr', key, documentId, pages: plan.pages };
    }
    extraction = plan.extraction;
  } else {
    extraction = await dependencies.reader.extract(bytes, baseName(key), { ...read, ocr: dependencies.ocr, knownNames: await records.knownNames() });
  }
  const requested = await storeRecord(extraction, key, dependencies, { now, expectedVersion: known?.version ?? 0, batchId });
  if (replacesFailure) await reportAgain(documentId, new Set(requested ? [requested] : []), dependencies);
  return { kind: 'stored', key, record: extraction.record, reused: false };
}

/**
 * A file too large to extract is rejected without keeping any of it. Its id is the SHA-256 S3 verified
 * on upload; otherwise it is hashed as it streams past.
 */
async function ingestOversized(key: string, head: UploadHead, dependencies: PipelineDependencies, now: Date): Promise<IngestOutcome> {
  const { records, config } = dependencies;
  const { batchId } = head;
  const documentId = `sha256:${head.sha256 ?? (await streamedSha256(key, dependencies))}`;
  const stored = await records.get(documentId);
  if (stored?.record) {
    await records.addKey(documentId, key);
    await trackBatch(batchId, key, documentId, dependencies, now);
    return { kind: 'stored', key, record: stored.record, reused: true };
  }
  const record = rejectedRecord(
    { documentId, fileName: baseName(key) },
    { code: 'limit.file_size', message: `The file has ${head.size} bytes, more than the limit of ${config.limits.maxFileBytes} bytes.` },
  );
  await storeRecord({ record, text: '' }, key, dependencies, { now, expectedVersion: stored?.version ?? 0, batchId });
  return { kind: 'stored', key, record, reused: false };
}
