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
