import { createHash } from 'node:crypto';
import type { Rejection } from '../pdf/preflight.js';
import type { AgreementRecord } from '../schema/record.js';

/** A document's id: the SHA-256 of its bytes. */
export function documentIdOf(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** A record for a document that cannot be read at all; `issues` says why. */
export function rejectedRecord(bytes: Uint8Array, fileName: string, rejection: Rejection, pages = 0): AgreementRecord {
  return {
    documentId: documentIdOf(bytes),
    fileName,
    status: 'rejected',
    textSource: 'pdf-text',
    pages,
    agreement: {},
    issues: [{ path: 'document', ...rejection }],
    evidence: [],
  };
}
