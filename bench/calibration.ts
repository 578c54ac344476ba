import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import type { Browser } from 'playwright-core';
import { GEBIETSKOERPERSCHAFTEN } from '../shared/data/gebietskoerperschaften.js';
import { type AgreementSpec, catalogue } from '../fixtures/generator/catalogue.js';
import { expectedAgreement } from '../fixtures/generator/expected.js';
import { Random } from '../fixtures/generator/random.js';
import { renderAgreement } from '../fixtures/generator/render-digital.js';
import { printAgreement } from '../fixtures/generator/render-html.js';
import { type ScanOptions, scanDocument } from '../fixtures/generator/scan.js';
import { signatureMarksOf } from '../fixtures/generator/signature-marks.js';
import type { ExtractionConfig } from '../shared/config.js';
import { extractDocument } from '../shared/extract-document.js';
import { germanWords } from '../shared/extract/german-lexicon.js';
import type { OcrEngine } from '../shared/ocr/engine.js';
import type { AgreementRecord } from '../shared/schema/record.js';
import { type KnownNames, namesPrintedIn } from '../shared/validate/known-names.js';
import { fieldsOf, wrongFields } from './field-accuracy.js';

/**
 * Calibration: whether `valid` means right. Agreements made from seeds no test uses, by both producers
 * (pdfkit, and HTML printed by Chromium), read as they are and as scans of every quality an office or a
 * fax machine gives, are extracted with the shipped configuration and compared with what their spec
 * says, value by value. Per quality: field accuracy, the share of records that come out `valid`, and
 * every `valid` record that holds a wrong value (valid-but-wrong), named with its wrong fields.
 */

export const PRODUCERS = ['pdfkit', 'Chromium'] as const;
export type Producer = (typeof PRODUCERS)[number];

export interface Quality {
  name: string;
  /** How the printed agreement is scanned; none for the digital document itself. */
  scan?: Omit<ScanOptions, 'stampText'>;
  /** Fax-like copies are measured and reported apart from office scans. */
  faxLike: boolean;
}

export const QUALITIES: readonly Quality[] = [
  { name: 'digital', faxLike: false },
  { name: '300 dpi', scan: { dpi: 300, jpegQuality: 80, maxRotation: 1, noise: 0.0008 }, faxLike: false },
  { name: '300 dpi, JPEG 60, stamp over text', scan: { dpi: 300, jpegQuality: 60, maxRotation: 2, noise: 0.002, stampOverText: true }, faxLike: false },
  { name: '200 dpi, JPEG 60', scan: { dpi: 200, jpegQuality: 60, maxRotation: 1.5, noise: 0.002 }, faxLike: false },
  { name: '200 dpi, faint print', scan: { dpi: 200, jpegQuality: 50, maxRotation: 2, noise: 0.002, ink: 0.6 }, faxLike: false },
  {
    name: 'fax-like, 200 dpi',
    scan: { dpi: 200, jpegQuality: 40, maxRotation: 2, noise: 0.004, ink: 0.75, blackAndWhite: true, dirt: 400, stampOverText: true },
    faxLike: true,
  },
  {
    name: 'fax-like, 150 dpi',
    scan: { dpi: 150, jpegQuality: 40, maxRotation: 2, noise: 0.004, blackAndWhite: true, dirt: 300, stampOverText: true },
    faxLike: true,
  },
];

/** How many agreements per producer each quality gets: the full run, and a quick sample for every day. */
export const SET_SIZES = {
  full: { digital: 50, scanned: 17 },
  sample: { digital: 3, scanned: 2 },
} as const;
export type SetSize = keyof typeof SET_SIZES;

/** The seeds of the reported run; other bases give other agreements (a fresh held-out set, or a development set). */
export const DEFAULT_SEED_BASE = 7_000_001;

export interface CalibrationDocument {
  producer: Producer;
  quality: Quality;
  seed: number;
  fileName: string;
}

/** How many agreements per producer a quality gets, where a run names its own counts. */
export interface SetCounts {
  digital: number;
  scanned: number;
}

export function calibrationSet(size: SetSize, seedBase = DEFAULT_SEED_BASE, counts: SetCounts = SET_SIZES[size]): CalibrationDocument[] {
  const documents: CalibrationDocument[] = [];
  let index = 0;
  for (const quality of QUALITIES) {
    const count = quality.scan ? counts.scanned : counts.digital;
    for (let number = 0; number < count; number++) {
      for (const producer of PRODUCERS) {
        const seed = seedBase + index++ * 7_919;
        const slug = quality.name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
        documents.push({ producer, quality, seed, fileName: `${producer.toLowerCase()}-${slug}-${seed}.pdf` });
      }
    }
  }
  return documents;
}

/** The agreement a seed makes, and the random source its layout and scan are drawn from. */
function specOf(document: CalibrationDocument): { spec: AgreementSpec; random: Random } {
  const random = new Random(document.seed);
  const spec = catalogue(document.seed).extra(document.fileName, random.int(2011, 2026), random.pick(GEBIETSKOERPERSCHAFTEN).name);
  return { spec, random };
}

/** The agreement printed by the document's producer and scanned at its quality. */
async function printAndScan(document: CalibrationDocument, { spec, random }: { spec: AgreementSpec; random: Random }, browser: Browser): Promise<Buffer> {
  const printed = document.producer === 'pdfkit' ? (await renderAgreement(spec)).bytes : await printAgreement(browser, spec, random);
  const scan = document.quality.scan;
  if (!scan) return printed;
  return scanDocument(printed, { ...scan, stampText: 'KREISAUSSCHUSS' }, random, await signatureMarksOf(printed, spec));
}

export interface CalibrationOptions {
  size: SetSize;
  seedBase?: number;
  /** Agreements per producer and quality, in place of the size's (for development runs). */
  counts?: SetCounts;
  /** Only the qualities with these names (all where absent). */
  qualities?: readonly string[];
  config: ExtractionConfig;
  ocr: OcrEngine;
  browser: Browser;
  /** Where generated PDFs are kept and read again on the next run with the same seeds (for development). */
  cache?: string;
  /** A JSON Lines file to write each document's record and expected agreement to, for analysis. */
  keep?: string;
  /** Called as each document is done. */
  progress?: (line: string) => void;
}

export interface ValidButWrong {
  fileName: string;
  producer: Producer;
  seed: number;
  wrong: string[];
}

export interface QualityResult {
  documents: number;
  fields: { right: number; total: number; accuracy: number };
  valid: number;
  needsReview: number;
  rejected: number;
  validShare: number;
  needsReviewShare: number;
  validButWrong: number;
  validButWrongRecords: ValidButWrong[];
  byProducer: Record<Producer, { documents: number; accuracy: number; validShare: number; validButWrong: number }>;
  /** Why records went to review: issue code → records with it. */
  reviewReasons: Record<string, number>;
  /** The wrong values, every one, for reading: "file field: expected …, got …". */
  wrongValues: string[];
}

export interface CalibrationResults {
  size: SetSize;
  seedBase: number;
  /** The confidence floors the records were made with. */
  floors: { minOcrConfidence: number; minValueConfidence: number; minWordConfidence: number; minUnknownWordConfidence: number };
  documents: number;
  qualities: Record<string, QualityResult>;
  /** Office scans at 200 and 300 dpi together, and the fax-like ones together. */
  scanned200to300: { documents: number; accuracy: number; validButWrong: number };
  faxLike: { documents: number; accuracy: number; validButWrong: number };
}

interface Scored {
  document: CalibrationDocument;
  record: AgreementRecord;
  right: number;
  total: number;
  wrong: string[];
}

function score(document: CalibrationDocument, record: AgreementRecord, expected: AgreementRecord['agreement']): Scored {
  const want = fieldsOf({ ...record, agreement: expected });
  const got = fieldsOf(record);
  // Field accuracy is over the values the agreement holds; whether the record is valid is reported beside it.
  want.delete('status');
  got.delete('status');
  let right = 0;
  for (const [field, value] of want) if (got.get(field) === value) right++;
  return { document, record, right, total: want.size, wrong: wrongFields(got, want) };
}

function summarise(scored: readonly Scored[]): QualityResult {
  const count = (status: AgreementRecord['status'], of = scored) => of.filter(({ record }) => record.status === status).length;
  const validButWrong = scored.filter(({ record, wrong }) => record.status === 'valid' && wrong.length > 0);
  const right = scored.reduce((sum, item) => sum + item.right, 0);
  const total = scored.reduce((sum, item) => sum + item.total, 0);
  const byProducer = Object.fromEntries(
    PRODUCERS.map((producer) => {
      const of = scored.filter(({ document }) => document.producer === producer);
      return [
        producer,
        {
          documents: of.length,
          accuracy: of.reduce((sum, item) => sum + item.right, 0) / Math.max(1, of.reduce((sum, item) => sum + item.total, 0)),
          validShare: count('valid', of) / Math.max(1, of.length),
          validButWrong: of.filter(({ record, wrong }) => record.status === 'valid' && wrong.length > 0).length,
        },
      ];
    }),
  ) as QualityResult['byProducer'];
  const reviewReasons: Record<string, number> = {};
  for (const { record } of scored) {
    if (record.status !== 'needs_review') continue;
    for (const code of new Set(record.issues.map((issue) => issue.code))) reviewReasons[code] = (reviewReasons[code] ?? 0) + 1;
  }
  return {
    documents: scored.length,
    fields: { right, total, accuracy: right / Math.max(1, total) },
    valid: count('valid'),
    needsReview: count('needs_review'),
    rejected: count('rejected'),
    validShare: count('valid') / Math.max(1, scored.length),
    needsReviewShare: count('needs_review') / Math.max(1, scored.length),
    validButWrong: validButWrong.length,
    validButWrongRecords: validButWrong.map(({ document, wrong }) => ({ fileName: document.fileName, producer: document.producer, seed: document.seed, wrong })),
    byProducer,
    reviewReasons,
    wrongValues: scored.flatMap(({ document, record, wrong }) => wrong.map((field) => `${document.fileName} [${record.status}] ${field}`)),
  };
}

function aggregate(scored: readonly Scored[]): { documents: number; accuracy: number; validButWrong: number } {
  const total = scored.reduce((sum, item) => sum + item.total, 0);
  return {
    documents: scored.length,
    accuracy: scored.reduce((sum, item) => sum + item.right, 0) / Math.max(1, total),
    validButWrong: scored.filter(({ record, wrong }) => record.status === 'valid' && wrong.length > 0).length,
  };
}

export async function runCalibration(options: CalibrationOptions): Promise<CalibrationResults> {
  const seedBase = options.seedBase ?? DEFAULT_SEED_BASE;
  const documents = calibrationSet(options.size, seedBase, options.counts).filter(({ quality }) => !options.qualities || options.qualities.includes(quality.name));
  if (options.cache) mkdirSync(options.cache, { recursive: true });
  if (options.keep) writeFileSync(options.keep, '');
  // Two documents at a time, as the CLI reads them; the OCR engine has a worker per core.
  const limit = pLimit(2);
  let done = 0;
  const readAndScore = (document: CalibrationDocument, knownNames?: KnownNames) =>
    limit(async () => {
      const made = specOf(document);
      const expected = expectedAgreement(made.spec);
      // The expected agreement comes from the spec every time; only the PDF is cached.
      const cached = options.cache ? join(options.cache, document.fileName) : undefined;
      const bytes = cached && existsSync(cached) ? readFileSync(cached) : await printAndScan(document, made, options.browser);
      if (cached && !existsSync(cached)) writeFileSync(cached, bytes);
      const record = await extractDocument(bytes, document.fileName, { config: options.config, ocr: options.ocr, lexicon: germanWords, knownNames });
      const result = score(document, record, expected);
      if (options.keep) {
        writeFileSync(options.keep, `${JSON.stringify({ producer: document.producer, quality: document.quality.name, seed: document.seed, fileName: document.fileName, expected, record })}\n`, { flag: 'a' });
      }
      options.progress?.(`${++done}/${documents.length} ${document.quality.name} ${document.fileName}: ${record.status}, ${result.wrong.length} wrong`);
      return result;
    });
  // Digital agreements first: the names their text layers print are known right when the scans are
  // judged, as the pipeline knows those of the records it stored and the CLI those of its digital files.
  const digital = await Promise.all(documents.filter(({ quality }) => !quality.scan).map((document) => readAndScore(document)));
  const knownNames = namesPrintedIn(digital.map(({ record }) => record));
  const scans = await Promise.all(documents.filter(({ quality }) => quality.scan).map((document) => readAndScore(document, knownNames)));
  const scored = [...digital, ...scans];
  const qualities = Object.fromEntries(QUALITIES.filter(({ name }) => !options.qualities || options.qualities.includes(name)).map((quality) => [quality.name, summarise(scored.filter(({ document }) => document.quality === quality))]));
  return {
    size: options.size,
    seedBase,
    floors: {
      minOcrConfidence: options.config.minOcrConfidence,
      minValueConfidence: options.config.minValueConfidence,
      minWordConfidence: options.config.minWordConfidence,
      minUnknownWordConfidence: options.config.minUnknownWordConfidence,
    },
    documents: documents.length,
    qualities,
    scanned200to300: aggregate(scored.filter(({ document }) => document.quality.scan && !document.quality.faxLike)),
    faxLike: aggregate(scored.filter(({ document }) => document.quality.faxLike)),
  };
}

/** The results as lines for a person: per quality, and every valid-but-wrong record with its wrong fields. */
export function describeCalibration(results: CalibrationResults): string[] {
  const percent = (share: number) => `${(share * 100).toFixed(1)} %`;
  const lines = [`calibration (${results.size}, seeds from ${results.seedBase}): ${results.documents} agreements`];
  for (const [name, quality] of Object.entries(results.qualities)) {
    lines.push(
      `  ${name}: ${quality.documents} documents, field accuracy ${quality.fields.right}/${quality.fields.total} = ${quality.fields.accuracy.toFixed(3)}, valid ${percent(quality.validShare)}, needs review ${percent(quality.needsReviewShare)}, valid-but-wrong ${quality.validButWrong}`,
    );
    for (const [producer, figures] of Object.entries(quality.byProducer)) {
      lines.push(`    ${producer}: accuracy ${figures.accuracy.toFixed(3)}, valid ${percent(figures.validShare)}, valid-but-wrong ${figures.validButWrong}`);
    }
    for (const record of quality.validButWrongRecords) lines.push(`    VALID BUT WRONG ${record.fileName}: ${record.wrong.join('; ')}`);
  }
  lines.push(`  scanned at 200–300 dpi: accuracy ${results.scanned200to300.accuracy.toFixed(3)} over ${results.scanned200to300.documents} documents, valid-but-wrong ${results.scanned200to300.validButWrong}`);
  lines.push(`  fax-like: accuracy ${results.faxLike.accuracy.toFixed(3)} over ${results.faxLike.documents} documents, valid-but-wrong ${results.faxLike.validButWrong}`);
  return lines;
}
