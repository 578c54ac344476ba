import { type ChildProcess, fork } from 'node:child_process';
import pLimit, { type LimitFunction } from 'p-limit';
import type { ExtractionConfig } from '../config.js';
import type { Extraction, ExtractionDependencies, OcrPlan } from '../extract-document.js';
import { germanWords } from '../extract/german-lexicon.js';
import type { WordLookup } from '../extract/lexicon.js';
import { documentIdOf, rejectedRecord } from '../extract/rejected.js';
import type { OcrPage } from '../ocr/engine.js';
import type { PageRaster } from '../pdf/document.js';
import { PdfRejected, type Rejection } from '../pdf/preflight.js';
import { MemoryWatchdog } from './memory-watchdog.js';
import { readerEntry } from './reader-entry.js';
import type { FromReader, PageFailure, ReaderTask, RenderOutcome, TaskResult, ToReader } from './protocol.js';

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

type Limits = ExtractionConfig['limits'];

/** How often the time limits are looked at. */
const CHECK_MS = 100;
/** Share of the memory limit given to the reader's V8 heap, which then collects garbage before the limit. */
const HEAP_SHARE = 0.75;
const STDERR_TAIL = 4096;
const heapFor = (memoryMiB: number) => Math.max(64, Math.floor(memoryMiB * HEAP_SHARE));

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
// Rounded up: a reader is stopped once past its limit, by as little as a KiB, which rounded to the
// nearest MiB could read as exactly the limit.
const mebibytes = (bytes: number) => `${Math.ceil(bytes / 1024 / 1024)} MiB`;
const onPage = (page: number) => (page > 0 ? ` while reading page ${page}` : '');

const timeRejection = (limits: Limits): Rejection => ({
  code: 'limit.time',
  message: `Reading the document took longer than the limit of ${seconds(limits.timeoutMs)} for one document (EXTRACTION_TIMEOUT_MS), so it was stopped.`,
});
const pageTimeRejection = (limits: Limits, page: number): Rejection => ({
  code: 'limit.time',
  message: `${page > 0 ? `Page ${page}` : 'Opening the document'} took longer than the limit of ${seconds(limits.pageTimeoutMs)} for one page (EXTRACTION_PAGE_TIMEOUT_MS), so reading was stopped. The file may be damaged or built to make PDF readers hang.`,
});
const memoryRejection = (limits: Limits, resident: number, page: number): Rejection => ({
  code: 'limit.memory',
  message: `Reading the document needed more than the limit of ${limits.memoryMiB} MiB of memory (EXTRACTION_MEMORY_MIB; ${mebibytes(resident)} when it was stopped${onPage(page)}). The file may be damaged or built to exhaust PDF readers.`,
});

/** Why a task ended without its result: the rejection its document gets, and its page count if known. */
export class ReaderStopped extends Error {
  constructor(
    readonly rejection: Rejection,
    readonly pages: number,
  ) {
    super(rejection.message);
  }
}

const failureOf = (error: unknown): PageFailure => ({
  message: error instanceof Error ? error.message : String(error),
  rejection: error instanceof PdfRejected ? error.rejection : undefined,
});
const errorOf = (failure: PageFailure | undefined) =>
  failure?.rejection ? new PdfRejected(failure.rejection) : new Error(failure?.message ?? 'the page could not be rendered');

/** What the owner does with a page a reader wants read: render it when ready (`render`), then read it. */
type PageReader = (render: () => Promise<PageRaster>, page: number | undefined) => Promise<OcrPage | undefined>;

/** One reader process, running one task at a time. */
class ReaderProcess {
  private readonly child: ChildProcess;
  private stderrTail = '';
  private exit?: { code: number | null; signal: NodeJS.Signals | null; error?: Error };
  private killed = false;
  private readonly exitListeners = new Set<() => void>();
  /** Settles once the process has ended; its slot is free for another only then. */
  readonly exited: Promise<void>;
  readonly heapMiB: number;

  constructor(
    entry: string,
    readonly slot: number,
    private readonly watchdog: MemoryWatchdog,
    memoryMiB: number,
  ) {
    this.heapMiB = heapFor(memoryMiB);
    this.child = fork(entry, [], {
      // --expose-gc: the reader collects the garbage its canvases leave after each page (reader-process.ts).
      execArgv: [`--max-old-space-size=${this.heapMiB}`, '--expose-gc'],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL);
    });
    this.exited = new Promise((resolve) => {
      const ended = (exit: NonNullable<ReaderProcess['exit']>) => {
        if (this.exit) return;
        this.exit = exit;
        this.watchdog.unwatch(this.slot);
        for (const listener of this.exitListeners) listener();
        resolve();
      };
      this.child.on('exit', (code, signal) => ended({ code, signal }));
      // A process that could not be started reports no exit; other errors (a message that could not be
      // sent to a process that has just died) are followed by its exit.
      this.child.on('error', (error) => {
        if (this.child.pid === undefined) ended({ code: null, signal: null, error });
      });
    });
    this.idle();
  }

  /** Running and not being stopped: fit for another task. */
  get alive(): boolean {
    return this.exit === undefined && !this.killed;
  }

  kill(): void {
    if (!this.alive) return;
    this.killed = true;
    // Whoever kills a reader waits for its end (`exited`), which an unreferenced process would not see.
    this.busy();
    this.child.kill('SIGKILL');
  }

  /** An idle reader keeps no process alive; the owner may exit with readers waiting. */
  private idle() {
    this.child.unref();
    (this.child.channel as { unref?: () => void } | undefined)?.unref?.();
  }

  private busy() {
    this.child.ref();
    (this.child.channel as { ref?: () => void } | undefined)?.ref?.();
  }

  private send(message: ToReader) {
    if (this.alive && this.child.connected) this.child.send(message);
  }

  /** Whether the process has ended, by itself or killed. */
  private get ended(): boolean {
    return this.exit !== undefined;
  }

  /** Why the process ended, as the rejection of the document it was reading. */
  private endRejection(limits: Limits, page: number): Rejection {
    const killedAt = this.watchdog.killedAt(this.slot);
    if (killedAt !== undefined) return memoryRejection(limits, killedAt, page);
    if (/heap out of memory|Allocation failed/i.test(this.stderrTail)) return memoryRejection(limits, limits.memoryMiB * 1024 * 1024, page);
    const how = this.exit?.signal ? `signal ${this.exit.signal}` : `exit code ${this.exit?.code}`;
    return { code: 'pdf.unreadable', message: `The PDF reader stopped unexpectedly on this file (${how}${onPage(page)}); the file may be damaged.` };
  }

  run(task: ReaderTask, limits: Limits, readPage: PageReader, lexicon?: WordLookup): Promise<TaskResult> {
    this.busy();
    this.watchdog.watch(this.slot, this.child.pid ?? 0, limits.memoryMiB * 1024 * 1024);
    return new Promise<TaskResult>((resolve, reject) => {
      const started = Date.now();
      let lastSign = started;
      let page = 0;
      let pageCount = 0;
      /** Pages the reader asked to have read: waiting for OCR, being rendered by the reader, or being read. */
      const requests = new Map<number, 'queued' | 'rendering' | 'reading'>();
      const renders = new Map<number, { resolve: (raster: PageRaster) => void; reject: (error: Error) => void }>();
      let settled = false;

      const finish = () => {
        settled = true;
        clearInterval(timer);
        this.child.off('message', onMessage);
        this.exitListeners.delete(onExit);
        for (const render of renders.values()) render.reject(new Error('the reader was stopped'));
        renders.clear();
        if (this.alive) {
          this.watchdog.unwatch(this.slot);
          this.idle();
        }
      };
      const stop = (rejection: Rejection) => {
        this.kill();
        finish();
        reject(new ReaderStopped(rejection, pageCount));
      };
      /** A failure of this process, not of the document: the task fails as a whole. */
      const fail = (error: unknown) => {
        this.kill();
        finish();
        reject(error instanceof Error ? error : new Error(String(error)));
      };
      const sign = () => {
        lastSign = Date.now();
      };

      const onMessage = (message: FromReader) => {
        if (settled) return;
        sign();
        switch (message.type) {
          case 'progress':
            page = message.page;
            pageCount = message.pageCount;
            break;
          case 'read-page': {
            const { request } = message;
            requests.set(request, 'queued');
            const render = () =>
              new Promise<PageRaster>((resolveRender, rejectRender) => {
                if (settled) return rejectRender(new Error('the reader was stopped'));
                requests.set(request, 'rendering');
                renders.set(request, { resolve: resolveRender, reject: rejectRender });
                sign();
                this.send({ type: 'render', request });
              });
            readPage(render, message.page).then(
              (read) => {
                requests.delete(request);
                sign();
                if (!settled) this.send({ type: 'page-read', request, page: read });
              },
              (error: unknown) => {
                requests.delete(request);
                sign();
                if (!settled) this.send({ type: 'page-read', request, failure: failureOf(error) });
              },
            );
            break;
          }
          case 'look-up-words': {
            const { request, words } = message;
            if (!lexicon) {
              fail(new Error('a reader looked up words with no lexicon to look them up in'));
              break;
            }
            lexicon.known(words).then((known) => {
              sign();
              if (!settled) this.send({ type: 'words-known', request, known });
            }, fail);
            break;
          }
          case 'raster': {
            const render = renders.get(message.request);
            renders.delete(message.request);
            requests.set(message.request, 'reading');
            if (message.raster) render?.resolve(message.raster);
            else render?.reject(errorOf(message.failure));
            break;
          }
          case 'done':
            finish();
            resolve(message.result);
            break;
          case 'failed':
            finish();
            reject(new ReaderStopped({ code: 'pdf.unreadable', message: `The document could not be processed: ${message.message}` }, pageCount));
            break;
        }
      };

      const onExit = () => {
        if (settled) return;
        finish();
        // A reader that could not run at all is this machine's failure, not the document's.
        const error = this.exit?.error;
        reject(error ? new Error(`the reader process failed: ${error.message}`) : new ReaderStopped(this.endRejection(limits, page), pageCount));
      };

      // The page clock runs while the reader works on its own: not while all it has left is waiting for
      // pages it handed over for OCR, which can queue behind other documents' pages.
      const timer = setInterval(() => {
        const now = Date.now();
        if (now - started > limits.timeoutMs) return stop(timeRejection(limits));
        const states = [...requests.values()];
        const working = states.includes('rendering') || !states.some((state) => state === 'queued' || state === 'reading');
        if (working && now - lastSign > limits.pageTimeoutMs) stop(pageTimeRejection(limits, page));
      }, CHECK_MS);

      this.child.on('message', onMessage);
      this.exitListeners.add(onExit);
      if (this.ended) return onExit();
      this.send({ type: 'task', task });
    });
  }
}

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
   * words of values OCR read are looked up in `lexicon`, by default this process's German lexicon.
   */
  async extract(bytes: Uint8Array, fileName: string, { config, ocr, ocrReadings, lexicon = germanWords, now, documentId }: ExtractOptions): Promise<Extraction> {
    const task: ReaderTask = { kind: 'extract', bytes: ownBytes(bytes), fileName, config, ocr: ocr !== undefined, ocrReadings, now: now?.().toISOString(), documentId };
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
