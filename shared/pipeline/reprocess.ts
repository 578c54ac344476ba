import type { Extraction } from '../extract-document.js';
import { EXTRACTOR_VERSION } from '../extract/version.js';
import { OcrJobFailedError, type OcrPage } from '../ocr/engine.js';
import { type Change, diffValues } from '../review/corrections.js';
import type { AgreementRecord } from '../schema/record.js';
import { openOriginal, releaseFromQuarantine } from '../store/document-objects.js';
import { type StoredDocument, VersionConflictError } from '../store/records.js';
import { baseName, type PipelineDependencies } from './dependencies.js';
import { ocrJobAnswer, withOcrFailure } from './ocr-completion.js';
import { saveExtraction } from './store-extraction.js';

/**
 * Runs the current extractor again on a stored document's PDF and stores the new record when it
 * differs (or was made by another extractor version), over the version it read. A record a person has
 * accepted or rejected is kept as it is: a machine never overwrites a human decision.
 */

export type ReprocessOutcome =
  | { kind: 'changed'; documentId: string; fileName: string; changes: Change[]; previousVersion?: string; evidenceAdded: boolean }
  | { kind: 'unchanged'; documentId: string; fileName: string; previousVersion?: string; evidenceAdded: boolean }
  | { kind: 'kept'; documentId: string; fileName: string; reason: string }
  | { kind: 'failed'; documentId: string; fileName: string; reason: string }
  /** Someone else changed the record while it was read again; nothing was stored. */
  | { kind: 'conflict'; documentId: string; fileName: string; reason: string };

function withoutEvidence({ evidence: _evidence, ...record }: AgreementRecord): Omit<AgreementRecord, 'evidence'> {
  return record;
}

/** How often a reprocessing asks after its OCR job, and for how long at most. */
const JOB_POLL_MS = 1000;
const JOB_DEADLINE_MS = 15 * 60 * 1000;

/**
 * The extraction with the deployment's own OCR: in this process (tesseract.js), or by an asynchronous
 * service (Textract), whose job is started for the scanned pages and awaited here; in a dry run none
 * is started, and the count of the pages it would read is all there is.
 */
async function extractAsDeployed(
  bytes: Uint8Array,
  stored: StoredDocument,
  fileName: string,
  { config, ocr, asyncOcr, reader, records }: Pick<PipelineDependencies, 'config' | 'ocr' | 'asyncOcr' | 'reader' | 'records'>,
  { now, dryRun }: { now: Date; dryRun: boolean },
): Promise<(Extraction & { textractPages?: number }) | { unreadPages: number }> {
  const read = { documentId: stored.documentId, config, now: () => now };
  if (!asyncOcr) return reader.extract(bytes, fileName, { ...read, ocr, knownNames: await records.knownNames() });
  const plan = await reader.extractOrPlanOcr(bytes, fileName, read);
  if (plan.kind === 'read') return plan.extraction;
  // A job is paid for, and takes minutes: a dry run shows what it can without one.
  if (dryRun) return { unreadPages: plan.pages.length };
  // A job of its own: the pipeline's job for the same document was started with a notice to deliver.
  const jobId = await asyncOcr.start({ documentId: stored.documentId, bytes, pages: plan.pages, attempt: now.getTime() });
  const deadline = Date.now() + JOB_DEADLINE_MS;
  let state = await asyncOcr.status(jobId);
  while (state.status === 'IN_PROGRESS' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, JOB_POLL_MS));
    state = await asyncOcr.status(jobId);
  }
  // A job still running at the deadline, or one the service does not know, says nothing about the document.
  if (state.status === 'IN_PROGRESS' || state.status === 'unknown') throw new Error(`OCR job ${jobId}: ${ocrJobAnswer(state)}`);
  // A failed job is the service's answer about the document: as in the pipeline, the record is what
  // else was read, for review, saying why (OCR completion does the same with its job).
  let failure = state.status === 'SUCCEEDED' ? undefined : ocrJobAnswer(state);
  const readings = new Map<number, OcrPage>();
  if (!failure) {
    try {
      for (const [jobPage, page] of await asyncOcr.collect(jobId)) if (plan.pages[jobPage - 1] !== undefined) readings.set(plan.pages[jobPage - 1]!, page);
    } catch (error) {
      if (!(error instanceof OcrJobFailedError)) throw error;
      failure = error.message;
      readings.clear();
    }
  }
  const extraction = await reader.extract(bytes, fileName, { ...read, ocrReadings: readings, knownNames: await records.knownNames() });
  return { ...extraction, record: failure ? withOcrFailure(extraction.record, failure) : extraction.record, textractPages: plan.pages.length };
}

export async function reprocessDocument(
  stored: StoredDocument,
  dependencies: Pick<PipelineDependencies, 's3' | 'bucket' | 'records' | 'config' | 'ocr' | 'asyncOcr' | 'reader'>,
  options: { now: Date; dryRun: boolean },
): Promise<ReprocessOutcome> {
  const fileName = stored.record?.fileName ?? baseName(stored.keys[0] ?? '');
  const base = { documentId: stored.documentId, fileName };
  if (!stored.record) return { ...base, kind: 'kept', reason: 'its scanned pages are still being read' };
  const decided = stored.audit.at(-1);
  if (decided) {
    // A decision stored before records vouched for names vouches for them now.
    if (!options.dryRun) await dependencies.records.vouchForDecision(stored);
    return { ...base, kind: 'kept', reason: `${decided.action === 'accept' ? 'accepted' : 'rejected'} in review by ${decided.by} on ${decided.at}` };
  }

  const source = await openOriginal(stored, dependencies);
  if (!source) return { ...base, kind: 'failed', reason: `the PDF is no longer in the bucket under ${stored.keys.join(', ')}` };
  const bytes = await source.object.Body!.transformToByteArray();
  let extraction: Extraction & { textractPages?: number };
  try {
    const read = await extractAsDeployed(bytes, stored, stored.record.fileName, dependencies, options);
    if ('unreadPages' in read) {
      const pages = `${read.unreadPages} scanned page${read.unreadPages === 1 ? '' : 's'}`;
      return { ...base, kind: 'kept', reason: `its ${pages} would be sent to OCR again, which a dry run does not do` };
    }
    extraction = read;
  } catch (error) {
    return { ...base, kind: 'failed', reason: error instanceof Error ? error.message : String(error) };
  }
  // What was read is compared field by field; where it was read (the evidence) is not a change a person
  // checks value by value, only whether a record made before evidence existed now has it.
  const changes = diffValues(withoutEvidence(stored.record), withoutEvidence(extraction.record));
  const evidenceAdded = stored.record.evidence === undefined && (extraction.record.evidence?.length ?? 0) > 0;
  const previousVersion = stored.extractorVersion;
  if (changes.length === 0 && previousVersion === EXTRACTOR_VERSION) return { ...base, kind: 'unchanged', previousVersion, evidenceAdded: false };
  if (!options.dryRun) {
    try {
      await saveExtraction(extraction, source.key, dependencies, { now: options.now, expectedVersion: stored.version, textractPages: extraction.textractPages });
    } catch (error) {
      if (!(error instanceof VersionConflictError)) throw error;
      return { ...base, kind: 'conflict', reason: 'the record was changed by someone else while it was read again; nothing was saved (run reprocess again)' };
    }
    // A document that is readable now no longer belongs in quarantine.
    if (stored.record.status === 'rejected' && extraction.record.status !== 'rejected') {
      await releaseFromQuarantine(source.key, dependencies);
    }
  }
  return changes.length === 0 ? { ...base, kind: 'unchanged', previousVersion, evidenceAdded } : { ...base, kind: 'changed', changes, previousVersion, evidenceAdded };
}
