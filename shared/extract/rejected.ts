import { createHash } from 'node:crypto';
import type { Rejection } from '../pdf/preflight.js';
import type { AgreementRecord } from '../schema/record.js';

/** A document's id: the SHA-256 of its bytes. */
export function documentIdOf(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Which document a record is about: its id and the name it was uploaded under. */
export interface DocumentIdentity {
  documentId: string;
  fileName: string;
}

/**
 * The record of a document that yields nothing to read: it cannot be read at all, breaks a limit, or
 * the pipeline failed on it. `issues` says why.
 */
export function rejectedRecord({ documentId, fileName }: DocumentIdentity, rejection: Rejection, pages = 0): AgreementRecord {
  return {
    documentId,
    fileName,
    status: 'rejected',
    textSource: 'pdf-text',
    pages,
    agreement: {},
    issues: [{ path: 'document', ...rejection }],
    evidence: [],
  };
}
