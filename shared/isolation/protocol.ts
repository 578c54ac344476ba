import type { ExtractionConfig } from '../config.js';
import type { Extraction, OcrPlan } from '../extract-document.js';
import type { OcrPage } from '../ocr/engine.js';
import type { PageRaster } from '../pdf/document.js';
import type { Rejection } from '../pdf/preflight.js';
import type { KnownNames } from '../validate/known-names.js';

/**
 * The messages between the process that owns a run (the CLI, a Lambda function, the bench) and a reader
 * process, which opens, parses and renders one document at a time. They travel over Node's IPC channel
 * with structured cloning, so bytes, rasters and maps cross as they are.
 *
 * A page to be read by OCR goes back and forth: the reader asks for it to be read (`read-page`), the
 * owner tells it to render the page once its OCR engine is free (`render`), the reader sends the pixels
 * (`raster`), and the owner answers with what OCR read (`page-read`). Pages wait unrendered, so a
 * reader holds one rendered page at a time however many wait.
 *
 * The words of the values OCR read are looked up in the owner's German lexicon (`look-up-words`, which
 * asks whether it knows them or whether it writes them small, answered by `words-answered`): a reader
 * holds no lexicon, and its memory is all the document's.
 */

export type ReaderTask =
  | {
      kind: 'extract';
      bytes: Uint8Array;
      fileName: string;
      config: ExtractionConfig;
      /** Whether scanned pages may be sent back to be read by OCR. */
      ocr: boolean;
      /** Pages an asynchronous OCR service already read, by page number. */
      ocrReadings?: ReadonlyMap<number, OcrPage>;
      /** Names of projects and signatories known right (`ExtractionDependencies.knownNames`). */
      knownNames?: KnownNames;
      /** The time the record is judged at (ISO), when not the reader's own clock. */
      now?: string;
      /** The document's id, when the owner has hashed its bytes already. */
      documentId?: string;
    }
  | { kind: 'extract-or-plan-ocr'; bytes: Uint8Array; fileName: string; config: ExtractionConfig; now?: string; documentId?: string }
  | { kind: 'render-pages'; bytes: Uint8Array; config: ExtractionConfig; pages?: readonly number[]; dpi: number };

export type RenderOutcome = { kind: 'rendered'; pageCount: number } | { kind: 'rejected'; rejection: Rejection; pages: number };

export type TaskResult =
  | { kind: 'extract'; extraction: Extraction }
  | { kind: 'extract-or-plan-ocr'; plan: OcrPlan }
  | { kind: 'render-pages'; outcome: RenderOutcome };

/** A page that could not be rendered or read: the message, and the rejection when it is one. */
export interface PageFailure {
  message: string;
  rejection?: Rejection;
}

/** What a reader asks its owner's lexicon about words: `WordLookup.known`, `WordLookup.writtenSmall` or `WordLookup.listed`. */
export type WordQuestion = 'known' | 'written-small' | 'listed';

export type ToReader =
  | { type: 'task'; task: ReaderTask }
  | { type: 'render'; request: number }
  | { type: 'page-read'; request: number; page?: OcrPage; failure?: PageFailure }
  /** For each word asked about, the lexicon's answer to the question asked. */
  | { type: 'words-answered'; request: number; answers: boolean[] };

export type FromReader =
  /** Work on a page begins: the watchdog's sign of life. */
  | { type: 'progress'; page: number; pageCount: number }
  | { type: 'read-page'; request: number; page?: number }
  | { type: 'raster'; request: number; raster?: PageRaster; failure?: PageFailure }
  | { type: 'look-up-words'; request: number; words: string[]; question: WordQuestion }
  | { type: 'done'; result: TaskResult }
  /** The task failed in a way the extraction does not turn into a record itself. */
  | { type: 'failed'; message: string };
