import { extractDocumentWithText, extractOrPlanOcr, withDocument } from '../extract-document.js';
import type { WordLookup } from '../extract/lexicon.js';
import type { OcrEngine, OcrPage } from '../ocr/engine.js';
import { greyForOcr } from '../ocr/preprocess.js';
import type { PageRaster } from '../pdf/document.js';
import { PdfRejected } from '../pdf/preflight.js';
import type { FromReader, PageFailure, ReaderTask, TaskResult, ToReader, WordQuestion } from './protocol.js';

/**
 * A reader process: runs one document at a time, as its owner (reader-pool.ts) sends them, and never
 * outlives it. Everything that opens, parses or renders the PDF happens here, so that the owner can
 * stop it from outside when a document takes too long or too much memory. OCR stays with the owner,
 * whose engine serves every reader; this process renders a page only when the owner asks for it. So
 * does the German lexicon: the words OCR read are looked up in the owner's.
 */

const send = (message: FromReader) => process.send?.(message);

/**
 * A canvas's pixels live outside the JavaScript heap, where the garbage collector does not see them, and
 * are freed only once it has collected their small JavaScript wrappers: left to itself, it lets many
 * pages' worth pile up towards the memory limit. So the reader collects after each page it renders (it
 * runs with --expose-gc), and once more on the next turn, when the canvases' finalizers have run; and
 * before a document when what the last one left takes more than half its limit, so that no document is
 * stopped for another's garbage. Only then: a full collection costs tens of milliseconds, as much as
 * reading a digital page.
 */
async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
}

const failureOf = (error: unknown): PageFailure => ({
  message: error instanceof Error ? error.message : String(error),
  rejection: error instanceof PdfRejected ? error.rejection : undefined,
});

/** Pages waiting for the owner: the render to run when it says so, and what to do with the answer. */
const waiting = new Map<number, { render: () => Promise<PageRaster>; resolve: (page: OcrPage | undefined) => void; reject: (error: Error) => void }>();
let nextRequest = 0;

/** Has the owner read a page: it says when to render it, and answers with what its OCR engine read. */
function readByOwner(render: () => Promise<PageRaster>, page?: number): Promise<OcrPage | undefined> {
  const request = nextRequest++;
  return new Promise((resolve, reject) => {
    waiting.set(request, { render, resolve, reject });
    send({ type: 'read-page', request, page });
  });
}

/** The owner's OCR engine, as seen from here. */
const ownersOcr: OcrEngine = {
  name: 'owner',
  recognize: async (render) => {
    const page = await readByOwner(render);
    if (!page) throw new Error('the OCR engine returned no page');
    return page;
  },
  close: async () => undefined,
};

/** Lookups waiting for the owner's answer. */
const lookups = new Map<number, (answers: boolean[]) => void>();

/** The owner's German lexicon, as seen from here. */
const ask = (question: WordQuestion) => (words: readonly string[]) =>
  new Promise<boolean[]>((resolve) => {
    const request = nextRequest++;
    lookups.set(request, resolve);
    send({ type: 'look-up-words', request, words: [...words], question });
  });
const ownersLexicon: WordLookup = { known: ask('known'), writtenSmall: ask('written-small'), listed: ask('listed') };

const onPage = (page: number, pageCount: number) => send({ type: 'progress', page, pageCount });

async function run(task: ReaderTask): Promise<TaskResult> {
  switch (task.kind) {
    case 'extract': {
      const now = task.now;
      const extraction = await extractDocumentWithText(task.bytes, task.fileName, {
        config: task.config,
        ocr: task.ocr ? ownersOcr : undefined,
        ocrReadings: task.ocrReadings,
        lexicon: ownersLexicon,
        knownNames: task.knownNames,
        now: now ? () => new Date(now) : undefined,
        documentId: task.documentId,
        onPage,
      });
      return { kind: 'extract', extraction };
    }
    case 'extract-or-plan-ocr': {
      const now = task.now;
      const plan = await extractOrPlanOcr(task.bytes, task.fileName, { config: task.config, now: now ? () => new Date(now) : undefined, documentId: task.documentId, onPage });
      return { kind: 'extract-or-plan-ocr', plan };
    }
    case 'render-pages': {
      const outcome = await withDocument(task.bytes, '', { config: task.config, onPage }, async (document) => {
        for (const page of task.pages ?? Array.from({ length: document.pageCount }, (_, index) => index + 1)) {
          if (page < 1 || page > document.pageCount) throw new PdfRejected({ code: 'pdf.no_such_page', message: `The PDF has no page ${page}; it has ${document.pageCount}.` }, document.pageCount);
          await readByOwner(() => document.renderPageWith(page, task.dpi, greyForOcr), page);
        }
        return document.pageCount;
      });
      if (outcome.kind === 'done') return { kind: 'render-pages', outcome: { kind: 'rendered', pageCount: outcome.value } };
      const [issue] = outcome.record.issues;
      return { kind: 'render-pages', outcome: { kind: 'rejected', rejection: { code: issue?.code ?? 'pdf.unreadable', message: issue?.message ?? '' }, pages: outcome.record.pages } };
    }
  }
}

process.on('message', (message: ToReader) => {
  switch (message.type) {
    case 'task': {
      const { task } = message;
      const clean = process.memoryUsage.rss() > (task.config.limits.memoryMiB * 1024 * 1024) / 2 ? collectGarbage() : Promise.resolve();
      clean
        .then(() => run(task))
        .then(
          (result) => send({ type: 'done', result }),
          (error: unknown) => send({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
        );
      break;
    }
    case 'render': {
      const render = waiting.get(message.request)?.render;
      if (!render) break;
      render()
        .then(
          (raster) => send({ type: 'raster', request: message.request, raster }),
          (error: unknown) => send({ type: 'raster', request: message.request, failure: failureOf(error) }),
        )
        .finally(() => void collectGarbage());
      break;
    }
    case 'words-answered': {
      const answer = lookups.get(message.request);
      lookups.delete(message.request);
      answer?.(message.answers);
      break;
    }
    case 'page-read': {
      const pending = waiting.get(message.request);
      waiting.delete(message.request);
      if (!pending) break;
      if (message.failure) {
        const { message: text, rejection } = message.failure;
        pending.reject(rejection ? new PdfRejected(rejection) : new Error(text));
      } else {
        pending.resolve(message.page);
      }
      break;
    }
  }
});

// A rejection nobody awaits (pdf.js cleaning up after a failed page, say) is no reason to stop: the
// task it belonged to has its own outcome.
process.on('unhandledRejection', (reason) => process.stderr.write(`unhandled rejection: ${reason instanceof Error ? reason.message : String(reason)}\n`));
// Without its owner there is nobody to read for.
process.on('disconnect', () => process.exit(0));
