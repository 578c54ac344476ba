import pLimit, { type LimitFunction } from 'p-limit';
import type { ExtractionConfig } from '../config.js';
import type { Extraction, ExtractionDependencies, OcrPlan } from '../extract-document.js';
import { germanWords } from '../extract/german-lexicon.js';
import type { WordLookup } from '../extract/lexicon.js';
import { documentIdOf, rejectedRecord } from '../extract/rejected.js';
import type { PageRaster } from '../pdf/document.js';
import type { Rejection } from '../pdf/preflight.js';
import { MemoryWatchdog } from './memory-watchdog.js';
import { readerEntry } from './reader-entry.js';
import { heapFor, type PageReader, ReaderProcess, ReaderStopped } from './reader-process-handle.js';
import type { ReaderTask, RenderOutcome, TaskResult } from './protocol.js';

/**
 * Every document is opened, parsed, rendered and read in a reader process (reader-process.ts), with
 * hard limits enforced from here, outside it: a wall-time limit for the document, a time limit for any
 * one page, and a memory limit. A reader that passes one is killed; its document gets a rejected record
 * that says which limit and why, and the next document gets a fresh reader. A timer inside the reader
 * could not do this (it cannot interrupt a parser stuck in synchronous code), nor could a worker thread
 * (it shares the process's memory, and its `resourceLimits` cap only the JavaScript heap, not the
 * buffers and canvases pdf.js fills).
 *
 * The readers live as long as the pool, one document after another, since starting a process costs
 * more than reading a digital agreement. OCR stays here: one engine serves every reader, and a reader
 * renders a page only when the engine is free to read it. So does the German lexicon the words OCR read
 * are looked up in: one copy here, and none in any reader, whose memory limit is all the document's.
 */

/** What a document is read with, as in this process (see `ExtractionDependencies`); the page observer is the pool's. */
export type ExtractOptions = Omit<ExtractionDependencies, 'onPage'>;

export type RenderedPages<T> = { kind: 'rendered'; pageCount: number; pages: Map<number, T> } | { kind: 'rejected'; rejection: Rejection; pages: number };

/** A view of exactly the bytes: a view into a larger buffer would send all of it to the reader. */
const ownBytes = (bytes: Uint8Array) => (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : new Uint8Array(bytes));

/** The record of a document whose reader was stopped at a limit. */
const stopped = (bytes: Uint8Array, fileName: string, documentId: string | undefined, { rejection, pages }: ReaderStopped): Extraction => ({
  record: rejectedRecord({ documentId: documentId ?? documentIdOf(bytes), fileName }, rejection, pages),
  text: '',
});

export class ReaderPool {
  private readonly slots: LimitFunction;
  private readonly idle: ReaderProcess[] = [];
  private readonly freeSlots: number[];
  private watchdog?: MemoryWatchdog;

  /** `size` documents are read at once, each by a reader process of its own. */
  constructor(readonly size: number) {
    this.slots = pLimit(size);
    this.freeSlots = Array.from({ length: size }, (_, slot) => slot);
  }

  /**
   * Extracts a record from the document; a document that breaks a limit yields its rejected record. The
   * words of values OCR read are looked up in `lexicon`, by default this process's German lexicon; the
   * names known right (`knownNames`) go to the reader with the document.
   */
  async extract(bytes: Uint8Array, fileName: string, { config, ocr, ocrReadings, lexicon = germanWords, knownNames, now, documentId }: ExtractOptions): Promise<Extraction> {
    const task: ReaderTask = { kind: 'extract', bytes: ownBytes(bytes), fileName, config, ocr: ocr !== undefined, ocrReadings, knownNames, now: now?.().toISOString(), documentId };
    try {
      const result = await this.run(
        task,
        config,
        (render) => {
          if (!ocr) throw new Error('no OCR engine to read the page');
          return ocr.recognize(render);
        },
        lexicon,
      );
      if (result.kind !== 'extract') throw new Error(`a reader answered an extraction with ${result.kind}`);
      return result.extraction;
    } catch (error) {
      if (error instanceof ReaderStopped) return stopped(bytes, fileName, documentId, error);
      throw error;
    }
  }

  /**
   * The record of a document none of whose pages is to be read by OCR, or the pages that are (see
   * `extractOrPlanOcr`), under the same limits: for an asynchronous OCR service, or a run that reads
   * digital documents first with more readers than an OCR engine would leave memory for.
   */
  async extractOrPlanOcr(bytes: Uint8Array, fileName: string, { config, now, documentId }: Pick<ExtractOptions, 'config' | 'now' | 'documentId'>): Promise<OcrPlan> {
    const task: ReaderTask = { kind: 'extract-or-plan-ocr', bytes: ownBytes(bytes), fileName, config, now: now?.().toISOString(), documentId };
    try {
      const result = await this.run(task, config, () => Promise.reject(new Error('planning reads no page')));
      if (result.kind !== 'extract-or-plan-ocr') throw new Error(`a reader answered an OCR plan with ${result.kind}`);
      return result.plan;
    } catch (error) {
      if (error instanceof ReaderStopped) return { kind: 'read', extraction: stopped(bytes, fileName, documentId, error) };
      throw error;
    }
  }

  /**
   * Renders the given pages (all by default) at `dpi`, one at a time, in a reader under the document's
   * limits, and hands each to `read` here; what `read` returns is kept by page. For readers of page images
   * of their own (an OCR service's stand-in, say).
   */
  async renderPages<T>(
    bytes: Uint8Array,
    { config, pages, dpi = config.ocrDpi }: { config: ExtractionConfig; pages?: readonly number[]; dpi?: number },
    read: (raster: PageRaster, page: number) => Promise<T>,
  ): Promise<RenderedPages<T>> {
    const results = new Map<number, T>();
    try {
      const result = await this.run({ kind: 'render-pages', bytes: ownBytes(bytes), config, pages, dpi }, config, async (render, page) => {
        results.set(page ?? 0, await read(await render(), page ?? 0));
        return undefined;
      });
      if (result.kind !== 'render-pages') throw new Error(`a reader answered a rendering with ${result.kind}`);
      const outcome: RenderOutcome = result.outcome;
      return outcome.kind === 'rendered' ? { kind: 'rendered', pageCount: outcome.pageCount, pages: results } : outcome;
    } catch (error) {
      if (error instanceof ReaderStopped) return { kind: 'rejected', rejection: error.rejection, pages: error.pages };
      throw error;
    }
  }

  /** Stops every reader; the pool starts new ones if it is used again. */
  async close(): Promise<void> {
    const readers = this.idle.splice(0);
    for (const reader of readers) reader.kill();
    await Promise.all(readers.map((reader) => reader.exited));
    this.freeSlots.push(...readers.map((reader) => reader.slot));
    await this.watchdog?.close();
    this.watchdog = undefined;
  }

  private run(task: ReaderTask, config: ExtractionConfig, readPage: PageReader, lexicon?: WordLookup): Promise<TaskResult> {
    return this.slots(async () => {
      const heapMiB = heapFor(config.limits.memoryMiB);
      let reader = this.idle.pop();
      // A reader started for another memory limit has the wrong heap cap for this one.
      if (reader && (!reader.alive || reader.heapMiB !== heapMiB)) {
        reader.kill();
        await reader.exited;
        this.freeSlots.push(reader.slot);
        reader = undefined;
      }
      this.watchdog ??= new MemoryWatchdog(this.size);
      reader ??= new ReaderProcess(await readerEntry(), this.freeSlots.pop()!, this.watchdog, config.limits.memoryMiB);
      try {
        return await reader.run(task, config.limits, readPage, lexicon);
      } finally {
        if (reader.alive) {
          this.idle.push(reader);
        } else {
          await reader.exited;
          this.freeSlots.push(reader.slot);
        }
      }
    });
  }
}
