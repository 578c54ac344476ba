/**
 * Where the pipeline keeps what it derives from an upload, in the same bucket: the record and its text
 * under records/, a rejected original under quarantine/. A module of its own, so that what only reads
 * records (the reports) does not load the extraction with them.
 */

/** Where a rejected original is copied: incoming/<path> → quarantine/<path>. */
export const quarantineKey = (key: string) => `quarantine/${key.replace(/^incoming\//, '')}`;

export const recordKey = (documentId: string) => `records/${documentId.slice('sha256:'.length)}.json`;
/** The text a record was read from, beside it. */
export const recordTextKey = (documentId: string) => `records/${documentId.slice('sha256:'.length)}.txt`;

/** The batch of "incoming/<batch>/…", the key `agreements upload` gives a file of a batch. */
export const batchInKey = (key: string) => /^incoming\/([^/]+)\/./.exec(key)?.[1];

/**
 * The batches a document was named in: the one it first arrived in, and those the other keys it was
 * uploaded under name. What a reviewer is shown; which batches hold the document is for the batch
 * members table to say (`BatchesTable.batchesOf`).
 */
export function batchesNamedBy(stored: { batchId?: string; keys: string[] }): string[] {
  return [...new Set([stored.batchId, ...stored.keys.map(batchInKey)].filter((batchId): batchId is string => batchId !== undefined))];
}
