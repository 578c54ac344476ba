import { type ChildProcess, fork } from 'node:child_process';
import type { ExtractionConfig } from '../config.js';
import type { WordLookup } from '../extract/lexicon.js';
import type { OcrPage } from '../ocr/engine.js';
import type { PageRaster } from '../pdf/document.js';
import { PdfRejected, type Rejection } from '../pdf/preflight.js';
import type { MemoryWatchdog } from './memory-watchdog.js';
import type { FromReader, PageFailure, ReaderTask, TaskResult, ToReader } from './protocol.js';

/**
 * The owner's side of one reader process (reader-process.ts): it starts the process, hands it one task
 * at a time, answers its requests for pages and words, and stops it at a limit (see reader-pool.ts,
 * which keeps these processes and gives them documents), saying which limit in the rejection.
 */

type Limits = ExtractionConfig['limits'];

/** How often the time limits are looked at. */
const CHECK_MS = 100;
/** Share of the memory limit given to the reader's V8 heap, which then collects garbage before the limit. */
const HEAP_SHARE = 0.75;
const STDERR_TAIL = 4096;
export const heapFor = (memoryMiB: number) => Math.max(64, Math.floor(memoryMiB * HEAP_SHARE));

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
export type PageReader = (render: () => Promise<PageRaster>, page: number | undefined) => Promise<OcrPage | undefined>;

/** One reader process, running one task at a time. */
export class ReaderProcess {
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
            const { request, words, question } = message;
            if (!lexicon) {
              fail(new Error('a reader looked up words with no lexicon to look them up in'));
              break;
            }
            const answering = { known: lexicon.known, 'written-small': lexicon.writtenSmall, listed: lexicon.listed }[question];
            answering.call(lexicon, words).then((answers) => {
              sign();
              if (!settled) this.send({ type: 'words-answered', request, answers });
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
