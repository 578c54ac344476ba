import { TextractClient } from '@aws-sdk/client-textract';
import type { ExtractionConfig } from '../../shared/config.js';
import { type Extraction, extractDocumentWithText, extractOrPlanOcr } from '../../shared/extract-document.js';
import { germanWords } from '../../shared/extract/german-lexicon.js';
import type { OcrPage } from '../../shared/ocr/engine.js';
import { pagesFromBlocks, textDetectionBlocks } from '../../shared/ocr/textract.js';
import type { KnownNames } from '../../shared/validate/known-names.js';

/**
 * The Textract stand-in that `npm run local:up` starts, as tests ask it: what it has read, and its
 * failure modes on demand; and the in-process extraction of a document with the text the stand-in
 * gave the pipeline, read back through Textract's API as the pipeline reads it.
 */
const standIn = () => {
  const endpoint = process.env.AWS_ENDPOINT_URL_TEXTRACT;
  if (!endpoint) throw new Error('AWS_ENDPOINT_URL_TEXTRACT is not set: start the emulator (npm run local:up) first');
  return endpoint;
};

export interface StandInJob {
  jobId: string;
  jobTag?: string;
  key: string;
  status: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';
  statusMessage?: string;
  pages: number;
}

export async function standInStats(): Promise<{ pagesRead: number; throttled: number; jobs: StandInJob[] }> {
  return (await (await fetch(`${standIn()}/_stand-in/stats`)).json()) as Awaited<ReturnType<typeof standInStats>>;
}

/** The jobs the stand-in was given for a document, by its sha256 (the pipeline's JobTag). */
export async function jobsOf(documentId: string): Promise<StandInJob[]> {
  const tag = documentId.replace(/^sha256:/, '');
  return (await standInStats()).jobs.filter((job) => job.jobTag === tag);
}

/** The next `count` finished jobs publish no notice, as if it were lost. */
export async function dropNotifications(count: number): Promise<void> {
  await fetch(`${standIn()}/_stand-in/drop-notifications`, { method: 'POST', body: JSON.stringify({ count }) });
}

/**
 * The document extracted in this process with the readings of the stand-in's last finished job for it
 * in place of its scanned pages, as the pipeline's OCR-complete step does; a digital document as it is.
 */
export async function extractWithStandInText(bytes: Uint8Array, fileName: string, documentId: string, config: ExtractionConfig, knownNames?: KnownNames): Promise<Extraction> {
  const plan = await extractOrPlanOcr(bytes, fileName, { config });
  if (plan.kind === 'read') return plan.extraction;
  const job = (await jobsOf(documentId)).findLast((candidate) => candidate.status === 'SUCCEEDED');
  if (!job) throw new Error(`the stand-in has read no job for ${documentId}`);
  const readings = new Map<number, OcrPage>();
  for (const [jobPage, page] of pagesFromBlocks(await textDetectionBlocks(new TextractClient({}), job.jobId))) readings.set(plan.pages[jobPage - 1]!, page);
  return extractDocumentWithText(bytes, fileName, { config, ocrReadings: readings, lexicon: germanWords, knownNames });
}

/** The next `count` requests to the stand-in (to `operation` only, when named) are refused as throttled (0 ends it). */
export async function throttle(count: number, operation?: 'StartDocumentTextDetection' | 'GetDocumentTextDetection'): Promise<void> {
  await fetch(`${standIn()}/_stand-in/throttle`, { method: 'POST', body: JSON.stringify({ count, operation }) });
}
