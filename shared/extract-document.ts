import type { ExtractionConfig } from './config.js';
import { geometryOnPage, type OcrEngine, type OcrPage } from './ocr/engine.js';
import { greyForOcr } from './ocr/preprocess.js';
import { type StructuralDamage, structuralDamage } from './pdf/damage.js';
import { type PageObserver, type PageSize, PdfDocument, type PdfPageText } from './pdf/document.js';
import type { LineGeometry } from './pdf/text-layer.js';
import { checkEnvelope, checkStructure, PdfRejected, type Rejection } from './pdf/preflight.js';
import { type AgreementRecord, agreementRecordSchema, type Evidence, type EvidenceSource, type TextSource } from './schema/record.js';
import { validateFindings } from './validate/rules.js';
import { extractAgreement } from './extract/agreement.js';
import { alignToWords, evidenceOf, type PageOrigin, type SourceLine, type ValueEvidence } from './extract/evidence.js';
import { answeredLexicon, type Lexicon, withDocumentWords, withSmallInitial, type WordLookup } from './extract/lexicon.js';
import { misreadWords, withMisreadWordsTaken } from './extract/misread-words.js';
import { acronymReadingsSpelledOut } from './extract/acronym-readings.js';
import { type DocumentIdentity, documentIdOf, rejectedRecord } from './extract/rejected.js';
import { announcedPageCount, contentLineIndexes, type LinePlace, normalizeCharacters, tidyLine } from './extract/normalize.js';
import { repairDigits, repairOcrLine } from './extract/ocr-repairs.js';
import type { KnownNames } from './validate/known-names.js';

/**
 * From PDF bytes to a validated record: preflight, text layer, OCR for scanned pages, field extraction,
 * validation. Whatever the input, the result is a record; nothing here throws for a bad document.
 */

export interface ExtractionDependencies {
  config: ExtractionConfig;
  /** Needed only when a page must be read by OCR; without one such pages are reported unread. */
  ocr?: OcrEngine;
  /**
   * Pages already read by an asynchronous OCR service (Amazon Textract), by page number; they take the
   * place of the engine for those pages.
   */
  ocrReadings?: ReadonlyMap<number, OcrPage>;
  /**
   * Where the words of values read by OCR are looked up in the German lexicon (shared/extract/lexicon.ts);
   * without it they are judged by the confidence floors alone. The process that owns a run holds the
   * lexicon (shared/extract/german-lexicon.ts); a reader process asks its owner.
   */
  lexicon?: WordLookup;
  /**
   * Names of projects and signatories that records known to be right hold; a value OCR read a letter or
   * two off one of them goes to review (shared/validate/known-names.ts). The store keeps them.
   */
  knownNames?: KnownNames;
  now?: () => Date;
  /** The document's id, when the caller has hashed its bytes already; otherwise they are hashed here. */
  documentId?: string;
  /** Told as work on each page begins: how the process that watches this one tells a slow page from a hung one. */
  onPage?: PageObserver;
}

/**
 * A document read with no OCR engine at hand (see `extractOrPlanOcr`): extracted, when none of its pages
 * is to be read by OCR (a digital document, or one rejected), or the pages that are.
 */
export type OcrPlan = { kind: 'read'; extraction: Extraction } | { kind: 'ocr'; pages: number[] };

interface PageReading {
  number: number;
  source: EvidenceSource;
  lines: string[];
  /** Where the words of each line lie on the page, in points from its top-left corner. */
  geometry: (LineGeometry | undefined)[];
  size: PageSize;
  /** For a page read by OCR, how surely its text was read (0–1). */
  confidence?: number;
  faintPrint?: boolean;
  /** Where lines OCR read nothing in stand, as shares of the page's height (`OcrPage.unreadLines`). */
  unreadLines?: number[];
}

/**
 * The lines OCR read nothing in (`OcrPage.unreadLines`) that stand above where the signatures begin (the
 * first value of a signature block, by page and height): below it stand handwritten signatures and
 * stamps, ink as tall as a line that tesseract rightly reads nothing in. Where no signature was found,
 * every such line counts.
 */
function unreadLinesAboveSignatures(pages: readonly PageReading[], evidence: readonly Evidence[]): { page: number; top: number }[] {
  const signatures = evidence.filter((item) => item.path.startsWith('agreement.signatures['));
  const start = signatures.reduce<Evidence | undefined>((first, item) => (!first || item.page < first.page || (item.page === first.page && item.box.top < first.box.top) ? item : first), undefined);
  return pages.flatMap((page) =>
    (page.unreadLines ?? []).filter((top) => !start || page.number < start.page || (page.number === start.page && top < start.box.top)).map((top) => ({ page: page.number, top })),
  );
}

/** An OCR reading of a page with its words placed in points, as the text layer places them. */
function ocrReading(page: PdfPageText, result: OcrPage): PageReading {
  return {
    number: page.number,
    source: result.reader,
    lines: result.lines,
    geometry: geometryOnPage(result, page.size),
    size: page.size,
    confidence: result.confidence,
    faintPrint: result.faintPrint,
    unreadLines: result.unreadLines?.map((top) => top / result.size.height),
  };
}

/** A record and the text its fields were read from. */
export interface Extraction {
  record: AgreementRecord;
  /**
   * The cleaned text of each page, pages separated by form feeds (empty for a rejected document): what
   * a person checks a record under review against.
   */
  text: string;
}

export async function extractDocument(
  bytes: Uint8Array,
  fileName: string,
  dependencies: ExtractionDependencies,
): Promise<AgreementRecord> {
  return (await extractDocumentWithText(bytes, fileName, dependencies)).record;
}

export async function extractDocumentWithText(bytes: Uint8Array, fileName: string, dependencies: ExtractionDependencies): Promise<Extraction> {
  const outcome = await withDocument(bytes, fileName, dependencies, async (document) => {
    const { pages, unreadPages } = await readDocument(document, dependencies);
    return buildRecord(identityOf(bytes, fileName, dependencies), pages, unreadPages, document.pageCount, dependencies);
  });
  if (outcome.kind === 'rejected') return { record: outcome.record, text: '' };
  return { ...outcome.value, record: withRepairNoted(outcome.value.record, outcome.damage) };
}

/**
 * Reads a document as `extractDocumentWithText` does, with no OCR engine at hand, and stops short of the
 * record where a page is to be read by OCR (by the configuration's mode, as the engine would be asked):
 * then the pages are returned, for an asynchronous OCR service or a later run with an engine. A digital
 * document is read once, whoever would read scans.
 */
export async function extractOrPlanOcr(bytes: Uint8Array, fileName: string, dependencies: Omit<ExtractionDependencies, 'ocr' | 'ocrReadings'>): Promise<OcrPlan> {
  const outcome = await withDocument(bytes, fileName, dependencies, async (document) => {
    const { pages, unreadPages, forOcr } = await readDocument(document, dependencies);
    if (forOcr.length > 0) return { kind: 'ocr' as const, pages: forOcr };
    return { kind: 'read' as const, extraction: await buildRecord(identityOf(bytes, fileName, dependencies), pages, unreadPages, document.pageCount, dependencies) };
  });
  if (outcome.kind === 'rejected') return { kind: 'read', extraction: { record: outcome.record, text: '' } };
  if (outcome.value.kind === 'ocr') return outcome.value;
  const { extraction } = outcome.value;
  return { kind: 'read', extraction: { ...extraction, record: withRepairNoted(extraction.record, outcome.damage) } };
}

/** Which document a record is about: the id its caller knows, or the hash of its bytes. */
const identityOf = (bytes: Uint8Array, fileName: string, { documentId }: Pick<ExtractionDependencies, 'documentId'>): DocumentIdentity => ({
  documentId: documentId ?? documentIdOf(bytes),
  fileName,
});

/**
 * A file read despite a damaged structure may have lost objects on the way (a page's text, a line of a
 * list), so its record goes to review, saying what was wrong.
 */
function withRepairNoted(record: AgreementRecord, damage: StructuralDamage): AgreementRecord {
  if (damage.findings.length === 0) return record;
  return {
    ...record,
    status: record.status === 'valid' ? 'needs_review' : record.status,
    issues: [
      ...record.issues,
      {
        path: 'document',
        code: 'pdf.repaired',
        message: `The file is damaged (${damage.findings.join('; ')}); its text was recovered, so check that nothing is missing.`,
      },
    ],
  };
}


/**
 * Preflight and opening around work on one document; any failure becomes a rejected record. Time and
 * memory are limited from outside, by the process that runs this one (shared/isolation).
 * What is done comes with the damage the file's structure showed, if any (see `structuralDamage`).
 */
export async function withDocument<T>(
  bytes: Uint8Array,
  fileName: string,
  { config, onPage, documentId }: Pick<ExtractionDependencies, 'config' | 'onPage' | 'documentId'>,
  work: (document: PdfDocument) => Promise<T>,
): Promise<{ kind: 'done'; value: T; damage: StructuralDamage } | { kind: 'rejected'; record: AgreementRecord }> {
  const rejected = (rejection: Rejection, pages = 0) => ({ kind: 'rejected' as const, record: rejectedRecord(identityOf(bytes, fileName, { documentId }), rejection, pages) });

  const { limits } = config;
  const envelope = checkEnvelope(bytes, limits);
  if (envelope) return rejected(envelope);
  const structure = await checkStructure(bytes, limits);
  if (structure) return rejected(structure);
  const damage = structuralDamage(bytes);

  let document: PdfDocument | undefined;
  try {
    document = await PdfDocument.open(bytes, limits, onPage);
    return { kind: 'done', value: await work(document), damage };
  } catch (error) {
    if (error instanceof PdfRejected) return rejected(damage.findings.length > 0 ? unreadableDamage(error.rejection, damage) : error.rejection, error.pages);
    const message = error instanceof Error ? error.message : String(error);
    if (damage.findings.length > 0) return rejected(unreadableDamage({ code: 'pdf.corrupt', message }, damage), document?.pageCount ?? 0);
    return rejected({ code: 'pdf.unreadable', message: `The document could not be processed: ${message}` }, document?.pageCount ?? 0);
  } finally {
    await document?.close().catch(() => undefined);
  }
}

/** Why a damaged file whose pages could not be read is rejected: its damage, in words. */
function unreadableDamage(rejection: Rejection, { findings, truncated }: StructuralDamage): Rejection {
  if (rejection.code !== 'pdf.corrupt') return rejection;
  return {
    code: truncated ? 'pdf.truncated' : 'pdf.corrupt',
    message: `The file is ${truncated ? 'truncated' : 'damaged'} (${findings.join('; ')}) and its pages cannot be read, not even by rebuilding its structure.`,
  };
}

/** A page with (almost) no text of its own over an image: what OCR is for. */
async function looksScanned(document: PdfDocument, page: { number: number; letters: number }, config: ExtractionConfig): Promise<boolean> {
  // Few letters alone do not make a scan: a digital page may hold just a line or two.
  return page.letters < config.minTextCharsPerPage && (await document.pageHasImages(page.number));
}

async function readDocument(
  document: PdfDocument,
  { config, ocr, ocrReadings }: ExtractionDependencies,
): Promise<{ pages: PageReading[]; unreadPages: number[]; forOcr: number[] }> {
  const texts = await document.pageTexts();
  const unreadPages: number[] = [];
  /** Pages the mode has read by OCR, with no engine here to read them. */
  const forOcr: number[] = [];
  const readings: Promise<PageReading>[] = [];
  for (const page of texts) {
    const read = (result: OcrPage): PageReading => ocrReading(page, result);
    const readAlready = ocrReadings?.get(page.number);
    // Looked at once at most: finding a page's images decodes them.
    let scan: Promise<boolean> | undefined;
    const scanned = () => (scan ??= looksScanned(document, page, config));
    const wantsOcr = !readAlready && config.ocr !== 'never' && (config.ocr === 'always' || (await scanned()));
    if (readAlready) {
      readings.push(Promise.resolve(read(readAlready)));
    } else if (ocr && wantsOcr) {
      // Rendered grey, coloured ink dropped, straight from the canvas: OCR needs no more, and a full-size
      // RGBA copy of each page would cost four times the memory.
      const reading = ocr.recognize(() => document.renderPageWith(page.number, config.ocrDpi, greyForOcr)).then(read);
      // A page that fails while later pages are still being classified is reported by `Promise.all`
      // below; until then it must not count as an unhandled rejection, which would end the process.
      reading.catch(() => undefined);
      readings.push(reading);
    } else {
      if (wantsOcr) forOcr.push(page.number);
      if (await scanned()) unreadPages.push(page.number);
      readings.push(Promise.resolve({ number: page.number, source: 'pdf-text', lines: page.lines, geometry: page.geometry, size: page.size }));
    }
  }
  const pages = await Promise.all(readings);
  return { pages, unreadPages, forOcr };
}

/** The words of the pages read from their text layer. */
function textLayerWords(pages: readonly PageReading[]): string[] {
  return pages.filter((page) => page.source === 'pdf-text').flatMap((page) => page.lines.flatMap((line) => line.split(/\s+/)));
}

/**
 * The lexicon's word on the words of the values OCR read, one lookup for the document, with the
 * document's own text-layer words added; none when OCR read no value.
 */
async function lexiconForValues(values: readonly ValueEvidence[], pages: readonly PageReading[], lookup: WordLookup): Promise<Lexicon | undefined> {
  const words = [...new Set(values.filter((value) => value.evidence.source !== 'pdf-text').flatMap((value) => value.words.map((word) => word.text)))];
  if (words.length === 0) return undefined;
  const capitalised = words.filter((word) => withSmallInitial(word) !== undefined);
  const [known, writtenSmall] = await Promise.all([lookup.known(words), capitalised.length > 0 ? lookup.writtenSmall(capitalised) : []]);
  return withDocumentWords(answeredLexicon(words, known, capitalised, writtenSmall), textLayerWords(pages));
}

function textSourceOf(pages: readonly PageReading[]): TextSource {
  const ocrPages = pages.filter((page) => page.source !== 'pdf-text').length;
  if (ocrPages === 0) return 'pdf-text';
  return ocrPages === pages.length ? 'ocr' : 'mixed';
}

/** Where a line stands on its page (`LinePlace`); none for a line without words. */
function placeOf({ words }: LineGeometry, size: PageSize): LinePlace | undefined {
  if (words.length === 0 || !(size.height > 0)) return undefined;
  const top = Math.min(...words.map((word) => word.top));
  const bottom = Math.max(...words.map((word) => word.bottom));
  const confidence = words.reduce((sum, word) => sum + word.confidence, 0) / words.length;
  return { middle: (top + bottom) / 2 / size.height, height: (bottom - top) / size.height, confidence };
}

/** A line as the field extractors read it: OCR's noise repaired, characters and spaces normalised. */
function cleanLine(line: string, readByOcr: boolean, pageCount: number): string {
  const clean = tidyLine(repairDigits(normalizeCharacters(line)));
  if (!readByOcr) return clean;
  return repairOcrLine(clean, { pageCount });
}

/** Boxes to a tenth of a millimetre on A4, confidences to a tenth of a percent: what a person can see, and no more digits. */
const rounded = (evidence: Evidence): Evidence => ({
  ...evidence,
  box: {
    left: Math.round(evidence.box.left * 1e4) / 1e4,
    top: Math.round(evidence.box.top * 1e4) / 1e4,
    width: Math.round(evidence.box.width * 1e4) / 1e4,
    height: Math.round(evidence.box.height * 1e4) / 1e4,
  },
  confidence: Math.round(evidence.confidence * 1e3) / 1e3,
});

async function buildRecord(
  base: DocumentIdentity,
  pages: readonly PageReading[],
  unreadPages: number[],
  pageCount: number,
  { config, now, lexicon: lookup, knownNames }: Pick<ExtractionDependencies, 'config' | 'now' | 'lexicon' | 'knownNames'>,
): Promise<Extraction> {
  const tidied = pages.map((page) => page.lines.map((line) => cleanLine(line, page.source !== 'pdf-text', pageCount)));
  // A page's end is not a paragraph's: blank lines OCR leaves at the bottom of a page would end a list
  // that goes on over the page break.
  const places = pages.map((page) => page.geometry.map((placed) => placed && placeOf(placed, page.size)));
  const kept = contentLineIndexes(tidied, places).map((indexes, page) => {
    let end = indexes.length;
    while (end > 0 && !tidied[page]?.[indexes[end - 1] ?? -1]) end--;
    return indexes.slice(0, end);
  });
  const lines: string[] = [];
  const geometry: (LineGeometry | undefined)[] = [];
  const sourceLines: SourceLine[] = [];
  kept.forEach((indexes, pageIndex) => {
    const page = pages[pageIndex];
    if (!page) return;
    for (const index of indexes) {
      const text = tidied[pageIndex]?.[index] ?? '';
      const placed = page.geometry[index];
      lines.push(text);
      geometry.push(placed && { ...placed, page: pageIndex, readByOcr: page.source !== 'pdf-text' });
      sourceLines.push({ page: page.number, words: placed?.words ?? [], origin: alignToWords(text, page.lines[index] ?? '', placed?.words ?? []) });
    }
  });
  const extracted = extractAgreement(lines, geometry);
  const origins = new Map<number, PageOrigin>(pages.map((page) => [page.number, { size: page.size, source: page.source }]));
  const located = extracted.sources.flatMap((source) => evidenceOf(source, sourceLines, origins) ?? []);
  const acronymsRead = acronymReadingsSpelledOut(located, extracted.agreement);
  const findings = { ...extracted, agreement: acronymsRead.agreement };
  const read = acronymsRead.values.map((value) => ({ ...value, evidence: rounded(value.evidence) }));
  const evidence = read.map((value) => value.evidence);
  const lexicon = lookup && (await lexiconForValues(read, pages, lookup));
  const misread = lookup && lexicon ? await misreadWords(read, findings.agreement, lexicon, lookup, config.minUnknownWordConfidence) : [];
  const agreement = withMisreadWordsTaken(findings.agreement, misread);
  const lowConfidencePages = pages
    .filter((page) => page.confidence !== undefined && page.confidence < config.minOcrConfidence)
    .map((page) => ({ page: page.number, confidence: page.confidence ?? 0 }));
  // A page read, OCR's or its text layer's, that holds no line with a word once its furniture is gone.
  const emptyPages = pages
    .filter((page, index) => !unreadPages.includes(page.number) && !kept[index]?.some((line) => /\p{L}/u.test(tidied[index]?.[line] ?? '')))
    .map((page) => page.number);
  const { status, issues } = validateFindings({ ...findings, agreement }, {
    today: now?.() ?? new Date(),
    lowConfidencePages,
    unreadPages,
    values: read,
    minValueConfidence: config.minValueConfidence,
    minWordConfidence: config.minWordConfidence,
    faintPrintPages: pages.filter((page) => page.faintPrint).map((page) => page.number),
    minFaintPrintWordConfidence: config.minFaintPrintWordConfidence,
    ...(lexicon ? { lexicon, minUnknownWordConfidence: config.minUnknownWordConfidence } : {}),
    misread,
    knownNames,
    emptyPages,
    unreadLines: unreadLinesAboveSignatures(pages, evidence),
    pageCount,
    announcedPages: announcedPageCount(tidied),
  });
  const record = agreementRecordSchema.parse({
    ...base,
    status,
    textSource: textSourceOf(pages),
    pages: pageCount,
    agreement: status === 'rejected' ? {} : agreement,
    issues,
    evidence: status === 'rejected' ? [] : evidence,
  });
  const cleaned = kept.map((indexes, page) => indexes.map((index) => tidied[page]?.[index] ?? ''));
  return { record, text: cleaned.map((pageLines) => pageLines.join('\n')).join('\f') };
}
