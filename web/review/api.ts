import type { FieldError } from '../../shared/review/input.js';
import type { AuditEntry } from '../../shared/review/corrections.js';
import type { DocumentView, Queue, QueueFilter } from '../../shared/review-api/views.js';

/** The review API as the app calls it: same origin, the token travels in the server's cookie. */

export type { DocumentView, Queue, QueueFilter, FieldError };

export interface Meta {
  recipients: { name: string; kind: string }[];
  ministries: { name: string; shortName: string; years: [number, number] }[];
  confidenceFloor: number;
}

export type WriteResult =
  | { kind: 'saved'; document: DocumentView; entry?: AuditEntry; reportsRequested: string[]; outcome?: { kind: string; reason?: string } }
  | { kind: 'conflict'; message: string; current: DocumentView }
  | { kind: 'invalid'; message: string; fields: FieldError[] };

export class ApiError extends Error {}

async function call(path: string, init?: RequestInit): Promise<Response> {
  const response = await fetch(path, { ...init, headers: { Accept: 'application/json', ...(init?.body ? { 'Content-Type': 'application/json' } : {}) } });
  return response;
}

async function json<T>(path: string): Promise<T> {
  const response = await call(path);
  if (!response.ok) throw new ApiError(((await response.json().catch(() => ({}))) as { message?: string }).message ?? `${response.status} ${response.statusText}`);
  return (await response.json()) as T;
}

export const idOf = (documentId: string) => documentId.replace(/^sha256:/, '');

export const getMeta = () => json<Meta>('/api/meta');

export function getQueue(filter: QueueFilter): Promise<Queue> {
  const query = new URLSearchParams(Object.entries(filter).flatMap(([key, value]) => (value === undefined || value === '' ? [] : [[key, String(value)]])));
  return json<Queue>(`/api/queue?${query}`);
}

export const getDocument = (documentId: string) => json<DocumentView>(`/api/documents/${idOf(documentId)}`);

export async function getText(documentId: string): Promise<string | undefined> {
  const response = await call(`/api/documents/${idOf(documentId)}/text`);
  if (response.status === 404) return undefined;
  if (!response.ok) throw new ApiError(`${response.status} ${response.statusText}`);
  return response.text();
}

export const pdfUrl = (documentId: string) => `/api/documents/${idOf(documentId)}/pdf`;
export const downloadUrl = (documentId: string) => `/api/documents/${idOf(documentId)}/download`;

/** A decision or a new reading, written over the version the person saw. */
export async function write(documentId: string, action: 'accept' | 'reject' | 'reprocess', body: Record<string, unknown>): Promise<WriteResult> {
  const response = await call(`/api/documents/${idOf(documentId)}/${action}`, { method: 'POST', body: JSON.stringify(body) });
  const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.status === 409) return { kind: 'conflict', message: String(answer.message), current: answer.current as DocumentView };
  if (response.status === 422) return { kind: 'invalid', message: String(answer.message), fields: answer.fields as FieldError[] };
  if (!response.ok) throw new ApiError(String(answer.message ?? `${response.status} ${response.statusText}`));
  return { kind: 'saved', ...(answer as Omit<Extract<WriteResult, { kind: 'saved' }>, 'kind'>) };
}
