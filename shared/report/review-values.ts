import { foldForComparison, similarity } from '../extract/normalize.js';
import type { AgreementRecord, Evidence } from '../schema/record.js';

/**
 * The values a reviewer has to look at, with where each was read: for every issue of a record, the
 * evidence of the values at or under the issue's path, with the page and the line of the document's
 * text the value came from.
 */

export interface ReviewValue {
  /** The value's path, in the syntax `review accept --set` takes. */
  path: string;
  /** The issue it is under review for. */
  code: string;
  page: number;
  /** The words the value was read from, as read. */
  read: string;
  /** The line of the page's text that holds them, when the text is at hand. */
  line?: string;
  source: Evidence['source'];
  confidence: number;
}

/** Whether `path` is `under` or lies inside it ("agreement.measures[1].title" lies inside "agreement.measures"). */
export const isWithin = (path: string, under: string) => path === under || path.startsWith(`${under}.`) || path.startsWith(`${under}[`);

/** How close a word as read must come to one of the text's (which OCR's repairs may have changed) to count as it. */
const SAME_WORD = 0.75;

/**
 * The line of `pageText` (the cleaned text) that holds most of the words read (as the reader gave them),
 * the first such line where a value spans several.
 */
export function lineHolding(pageText: string, read: string): string | undefined {
  const words = read.split(/\s+/).map(foldForComparison).filter(Boolean);
  if (words.length === 0) return undefined;
  let best: { line: string; found: number } | undefined;
  for (const line of pageText.split('\n')) {
    const folded = foldForComparison(line);
    const tokens = line.split(/\s+/).map(foldForComparison);
    const found = words.filter((word) => folded.includes(word) || tokens.some((token) => similarity(token, word) >= SAME_WORD)).length;
    if (found > 0 && (!best || found > best.found)) best = { line: line.replace(/\t/g, '   ').trim(), found };
  }
  return best?.line;
}

/** The values under review in `record`, one per issue and value; `text` is the document's text, pages separated by form feeds. */
export function reviewValues(record: AgreementRecord, text?: string): ReviewValue[] {
  const pages = text?.split('\f') ?? [];
  return record.issues.flatMap((issue) =>
    (record.evidence ?? [])
      .filter((evidence) => issue.path.startsWith('agreement') && isWithin(evidence.path, issue.path))
      .map((evidence) => {
        const line = pages[evidence.page - 1] !== undefined ? lineHolding(pages[evidence.page - 1]!, evidence.text) : undefined;
        return {
          path: evidence.path,
          code: issue.code,
          page: evidence.page,
          read: evidence.text,
          ...(line ? { line } : {}),
          source: evidence.source,
          confidence: evidence.confidence,
        };
      }),
  );
}

/** The values under review for one of the record's issues. */
export function valuesOfIssue(values: readonly ReviewValue[], issue: { path: string; code: string }): ReviewValue[] {
  return values.filter((value) => value.code === issue.code && isWithin(value.path, issue.path));
}

/** "Seite 2, Zeile „Kassel, den 10.06.2020“ (gelesen „10.O6.2020“, Texterkennung 41 %)": where a value under review was read, for a person. */
export function describeValue(value: ReviewValue): string {
  const line = value.line ? `, Zeile „${value.line}“` : '';
  const how = value.source === 'pdf-text' ? 'Textebene' : `Texterkennung ${Math.round(value.confidence * 100)} %`;
  return `Seite ${value.page}${line} (gelesen „${value.read}“, ${how})`;
}
