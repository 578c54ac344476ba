/**
 * The version of the extraction rules, stored with every record so that `agreements reprocess` can tell
 * which records an older extractor made. Raise it with every change that can alter a record.
 */
export const EXTRACTOR_VERSION = '2026.12.15';
