import { createHash } from 'node:crypto';
import type { ExtractionConfig } from '../config.js';
import type { OcrEngine } from '../ocr/engine.js';
import { PdfDocument, PdfRejected } from '../pdf/document.js';
import { checkEnvelope, checkStructure, type Rejection } from '../pdf/preflight.js';
import { type AgreementRecord, agreementRecordSchema, type TextSource } from '../schema/record.js';
import { validateFindings } from '../validate/rules.js';
import { extractAgreement } from './agreement.js';
import { dropOcrJunk, normalizeCharacters, repairDigits, restoreDashes, stripPageFurniture, tidyLine } from './normalize.js';

/**
 * From PDF bytes to a validated record: preflight, text layer, OCR for scanned pages, field extraction,
 * validation. Whatever the input, the result is a record; nothing here throws for a bad document.
 */

export interface ExtractionDependencies {
  config: ExtractionConfig;
  /** Needed only when a page must be read by OCR; without one such pages are reported unread. */
  ocr?: OcrEngine;
  now?: () => Date;
}

export function documentIdOf(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

interface PageReading {
  number: number;
  source: 'pdf-text' | 'ocr';
  lines: string[];
  confidence?: number;
}

class LimitExceeded extends Error {}

export async function extractDocument(
  bytes: Uint8Array,
  fileName: string,
  dependencies: ExtractionDependencies,
): Promise<AgreementRecord> {
  const base = { documentId: documentIdOf(bytes), fileName };
  const rejected = (rejection: Rejection, pages = 0, textSource: TextSource = 'pdf-text'): AgreementRecord => ({
    ...base,
    status: 'rejected',
    textSource,
    pages,
    agreement: {},
    issues: [{ path: 'document', ...rejection }],
  });

  const { limits } = dependencies.config;
  const envelope = checkEnvelope(bytes, limits);
  if (envelope) return rejected(envelope);
  const structure = await checkStructure(bytes, limits);
  if (structure) return rejected(structure);

  let document: PdfDocument | undefined;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LimitExceeded()), limits.timeoutMs);
  });
  try {
    const reading = (async () => {
      document = await PdfDocument.open(bytes, limits);
      return readDocument(document, dependencies);
    })();
    const { pages, unreadPages } = await Promise.race([reading, deadline]);
    return buildRecord(base, pages, unreadPages, document?.pageCount ?? pages.length, dependencies);
  } catch (error) {
    if (error instanceof PdfRejected) return rejected(error.rejection, error.pages);
    if (error instanceof LimitExceeded) {
      return rejected(
        { code: 'limit.time', message: `Reading the document took longer than the limit of ${limits.timeoutMs} ms.` },
        document?.pageCount ?? 0,
      );
    }
    const message = error instanceof Error ? error.message : String(error);
    return rejected({ code: 'pdf.unreadable', message: `The document could not be processed: ${message}` }, document?.pageCount ?? 0);
  } finally {
    clearTimeout(timer);
    await document?.close().catch(() => undefined);
  }
}

async function readDocument(
  document: PdfDocument,
  { config, ocr }: ExtractionDependencies,
): Promise<{ pages: PageReading[]; unreadPages: number[] }> {
  const texts = await document.pageTexts();
  const unreadPages: number[] = [];
  const readings: Promise<PageReading>[] = [];
  // Pages are rendered one at a time (pdf.js shares one document) and recognised in parallel on the pool.
  for (const page of texts) {
    // Few letters alone do not make a scan: a digital page may hold just a line or two.
    const scanned = page.letters < config.minTextCharsPerPage && (await document.pageHasImages(page.number));
    const wantsOcr = config.ocr === 'always' || (config.ocr === 'auto' && scanned);
    if (wantsOcr && ocr) {
      const image = await document.renderPage(page.number, config.ocrDpi);
      readings.push(
        ocr.recognize(image).then((result) => ({ number: page.number, source: 'ocr', lines: result.lines, confidence: result.confidence })),
      );
    } else {
      if (scanned) unreadPages.push(page.number);
      readings.push(Promise.resolve({ number: page.number, source: 'pdf-text', lines: page.lines }));
    }
  }
  const pages = await Promise.all(readings);
  return { pages, unreadPages };
}

function textSourceOf(pages: readonly PageReading[]): TextSource {
  const ocrPages = pages.filter((page) => page.source === 'ocr').length;
  if (ocrPages === 0) return 'pdf-text';
  return ocrPages === pages.length ? 'ocr' : 'mixed';
}

function buildRecord(
  base: { documentId: string; fileName: string },
  pages: readonly PageReading[],
  unreadPages: number[],
  pageCount: number,
  { config, now }: ExtractionDependencies,
): AgreementRecord {
  const cleaned = stripPageFurniture(
    pages.map((page) =>
      page.lines.map((line) => {
        const clean = tidyLine(repairDigits(normalizeCharacters(line)));
        return page.source === 'ocr' ? restoreDashes(dropOcrJunk(clean)) : clean;
      }),
    ),
  );
  const findings = extractAgreement(cleaned.flat());
  const lowConfidencePages = pages
    .filter((page) => page.confidence !== undefined && page.confidence < config.minOcrConfidence)
    .map((page) => ({ page: page.number, confidence: page.confidence ?? 0 }));
  const { status, issues } = validateFindings(findings, {
    today: now?.() ?? new Date(),
    lowConfidencePages,
    unreadPages,
  });
  return agreementRecordSchema.parse({
    ...base,
    status,
    textSource: textSourceOf(pages),
    pages: pageCount,
    agreement: status === 'rejected' ? {} : findings.agreement,
    issues,
  });
}
