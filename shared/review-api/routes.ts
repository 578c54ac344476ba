import { z } from 'zod';
import type { ExtractionConfig } from '../config.js';
import { GEBIETSKOERPERSCHAFTEN } from '../data/gebietskoerperschaften.js';
import { MINISTRIES } from '../data/ministries.js';
import type { ReaderPool } from '../isolation/reader-pool.js';
import type { OcrEngine } from '../ocr/engine.js';
import { CorrectionError } from '../review/corrections.js';
import type { AgreementRecord } from '../schema/record.js';
import type { BatchTracker } from '../store/batch-tracking.js';
import { openOriginal, readRecordText } from '../store/document-objects.js';
import { type RecordsTable, type StoredDocument, VersionConflictError } from '../store/records.js';
import { reprocessDocument } from '../pipeline/reprocess.js';
import { acceptReview, rejectReview, reviewQueue } from '../store/review.js';
import type { S3Client } from '@aws-sdk/client-s3';
import { type DocumentView, documentView, queueFilterSchema, queueView, withheldReason } from './views.js';

/**
 * The review API, free of any one transport: a request (method, path, query, parsed JSON body) in, a
 * response (status and JSON, or a file to stream) out. `agreements review serve` puts it behind a local
 * HTTP server; the same handlers could sit behind API Gateway in a Lambda. Each handler checks its
 * input — the document id first, before any call to the table or the bucket — calls the store, and maps
 * the outcome: 404 for an unknown document, 409 with the current state when someone else changed it,
 * 422 with the fields for a correction that cannot be applied.
 */

export interface ReviewApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The JSON body, parsed; undefined for requests without one. */
  body?: unknown;
}

export interface FileResponse {
  status: 200;
  file: {
    body: AsyncIterable<Uint8Array>;
    contentType: string;
    contentLength?: number;
    fileName: string;
    disposition: 'inline' | 'attachment';
  };
}
export type ReviewApiResponse = { status: number; json: unknown } | { status: 200; text: string } | FileResponse;

export interface ReviewApiContext {
  s3: S3Client;
  bucket: string;
  records: RecordsTable;
  /** Batch bookkeeping: a decision or a reprocess that changed a record asks for its batches' reports again. */
  tracker: BatchTracker;
  /** OCR confidence (0–1) below which a value is flagged for a reviewer. */
  confidenceFloor: number;
  /** What `reprocess` needs: the extraction settings and an OCR engine, made on first use. */
  reprocessing: { config: ExtractionConfig; ocr: () => OcrEngine; reader: ReaderPool };
  now: () => Date;
}

const versionSchema = z.number().int().nonnegative();
const reviewerSchema = z.string().trim().min(1, 'the reviewer\'s name is missing').max(100);
const acceptSchema = z.object({ version: versionSchema, by: reviewerSchema, agreement: z.unknown() });
const rejectSchema = z.object({ version: versionSchema, by: reviewerSchema, reason: z.string().max(2000) });
const reprocessSchema = z.object({ version: versionSchema });

const json = (status: number, body: unknown) => ({ status, json: body });
const notFound = (what: string) => json(404, { error: 'not_found', message: `${what} does not exist` });

type Handler = (request: ReviewApiRequest, context: ReviewApiContext, documentId: string) => Promise<ReviewApiResponse>;

/** Reads a body against its schema; what does not fit is a 400 naming the field. */
function parseBody<T>(schema: z.ZodType<T>, body: unknown): { ok: true; value: T } | { ok: false; response: ReviewApiResponse } {
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, value: parsed.data };
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
  return { ok: false, response: json(400, { error: 'bad_request', message: problems.join('; ') }) };
}

async function storedRecord(context: ReviewApiContext, documentId: string): Promise<(StoredDocument & { record: AgreementRecord }) | undefined> {
  const stored = await context.records.get(documentId);
  return stored?.record ? { ...stored, record: stored.record } : undefined;
}

async function currentView(context: ReviewApiContext, documentId: string): Promise<DocumentView | undefined> {
  const stored = await storedRecord(context, documentId);
  return stored && documentView(stored, context.confidenceFloor);
}

/** 409: someone else changed the document since the person read version `read`; with what it holds now. */
async function conflict(context: ReviewApiContext, documentId: string, read: number): Promise<ReviewApiResponse> {
  const current = await currentView(context, documentId);
  const last = current?.audit.at(-1);
  const by = last && current && current.updatedAt === last.at ? ` (${last.action === 'accept' ? 'accepted' : 'rejected'} by ${last.by} at ${last.at})` : '';
  return json(409, {
    error: 'conflict',
    message: `The record was changed by someone else since you opened it${by}: you saw version ${read}, it is now at version ${current?.version ?? '?'}. Nothing of yours was saved.`,
    current,
  });
}

/**
 * Runs a write over the version the person saw: refused with 409 at once when it is no longer the
 * current one, and when another writer comes in between; 422 for a correction that cannot be applied.
 */
async function writeOver(
  context: ReviewApiContext,
  documentId: string,
  version: number,
  write: (stored: StoredDocument & { record: AgreementRecord }) => Promise<Record<string, unknown>>,
): Promise<ReviewApiResponse> {
  const stored = await storedRecord(context, documentId);
  if (!stored) return notFound(documentId);
  if (stored.version !== version) return conflict(context, documentId, version);
  try {
    const outcome = await write(stored);
    return json(200, { ...outcome, document: await currentView(context, documentId) });
  } catch (error) {
    if (error instanceof VersionConflictError) return conflict(context, documentId, version);
    if (error instanceof CorrectionError) return json(422, { error: 'invalid', message: error.message, fields: error.errors });
    throw error;
  }
}

/** A write whose body names the version it goes over: the body is read against `schema`, then `writeOver`. */
function writeBody<T extends { version: number }>(
  schema: z.ZodType<T>,
  request: ReviewApiRequest,
  context: ReviewApiContext,
  documentId: string,
  write: (stored: StoredDocument & { record: AgreementRecord }, body: T) => Promise<Record<string, unknown>>,
): Promise<ReviewApiResponse> {
  const body = parseBody(schema, request.body);
  if (!body.ok) return Promise.resolve(body.response);
  return writeOver(context, documentId, body.value.version, (stored) => write(stored, body.value));
}

const documentRoutes: Record<string, Record<string, Handler>> = {
  '': {
    GET: async (_request, context, documentId) => {
      const view = await currentView(context, documentId);
      return view ? json(200, view) : notFound(documentId);
    },
  },
  '/pdf': { GET: (_request, context, documentId) => original(context, documentId, 'inline') },
  '/download': { GET: (_request, context, documentId) => original(context, documentId, 'attachment') },
  '/text': {
    GET: async (_request, context, documentId) => {
      const text = await readRecordText(documentId, context);
      return text === undefined ? notFound(`the text of ${documentId}`) : { status: 200, text };
    },
  },
  '/accept': {
    POST: (request, context, documentId) =>
      writeBody(acceptSchema, request, context, documentId, async (stored, { by, agreement }) => {
        const { entry, reportsRequested } = await acceptReview(stored, agreement, by, context, context.now());
        return { entry, reportsRequested };
      }),
  },
  '/reject': {
    POST: (request, context, documentId) =>
      writeBody(rejectSchema, request, context, documentId, async (stored, { by, reason }) => {
        const { entry, reportsRequested } = await rejectReview(stored, reason, by, context, context.now());
        return { entry, reportsRequested };
      }),
  },
  '/reprocess': {
    POST: (request, context, documentId) =>
      writeBody(reprocessSchema, request, context, documentId, async (stored) => {
        const { config, ocr, reader } = context.reprocessing;
        const outcome = await reprocessDocument(stored, { s3: context.s3, bucket: context.bucket, records: context.records, config, ocr: ocr(), reader }, { now: context.now(), dryRun: false });
        if (outcome.kind === 'conflict') throw new VersionConflictError(documentId, stored.version);
        const reportsRequested = outcome.kind === 'changed' ? await context.tracker.documentChanged(stored.documentId) : [];
        return { outcome, reportsRequested };
      }),
  },
};
/** The PDF as uploaded, streamed from the bucket; a document withheld from rendering only as a download. */
async function original(context: ReviewApiContext, documentId: string, disposition: 'inline' | 'attachment'): Promise<ReviewApiResponse> {
  const stored = await storedRecord(context, documentId);
  if (!stored) return notFound(documentId);
  const withheld = withheldReason(stored.record);
  if (withheld && disposition === 'inline') return json(403, { error: 'withheld', message: `This document is not shown in the browser (${withheld}); download it instead.` });
  const source = await openOriginal(stored, context);
  if (!source?.object.Body) return notFound(`the PDF of ${documentId}`);
  return {
    status: 200,
    file: {
      body: source.object.Body as AsyncIterable<Uint8Array>,
      // A withheld document is offered as bytes to save, never as something a browser opens.
      contentType: withheld ? 'application/octet-stream' : 'application/pdf',
      ...(source.object.ContentLength !== undefined ? { contentLength: source.object.ContentLength } : {}),
      fileName: stored.record.fileName,
      disposition,
    },
  };
}

export async function handleReviewApi(request: ReviewApiRequest, context: ReviewApiContext): Promise<ReviewApiResponse> {
  const { method, path } = request;
  if (path === '/api/meta' && method === 'GET') {
    return json(200, {
      recipients: GEBIETSKOERPERSCHAFTEN.map(({ name, kind }) => ({ name, kind })),
      ministries: MINISTRIES,
      confidenceFloor: context.confidenceFloor,
    });
  }
  if (path === '/api/queue' && method === 'GET') {
    const filter = parseBody(queueFilterSchema, Object.fromEntries([...request.query].filter(([, value]) => value !== '')));
    if (!filter.ok) return filter.response;
    return json(200, queueView(await reviewQueue(context.records), filter.value));
  }
  // The id is checked here, before anything reads the table or the bucket.
  const match = /^\/api\/documents\/([0-9a-f]{64})(\/[a-z]+)?$/.exec(path);
  if (match) {
    const routes = documentRoutes[match[2] ?? ''];
    const handler = routes?.[method];
    if (handler) return handler(request, context, `sha256:${match[1]}`);
    if (routes) return json(405, { error: 'method_not_allowed', message: `${method} is not allowed here` });
  }
  return json(404, { error: 'not_found', message: 'no such resource' });
}
