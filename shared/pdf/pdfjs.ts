/// <reference path="./pdfjs-worker.d.ts" />
import { createRequire } from 'node:module';

/**
 * pdf.js and pdf-parse (which runs on it), loaded once the process has a `DOMMatrix`: pdf.js makes one
 * as its module loads, and Node has none. pdf.js takes @napi-rs/canvas's own where that package is
 * installed (the CLI, and the functions that render scanned pages for tesseract.js); the functions that
 * never render ship without canvas and get a small pure-JavaScript one. The imports are dynamic because
 * static imports of packages left out of a bundle are evaluated before any of the bundle's own code.
 */
const globals = globalThis as { DOMMatrix?: unknown };
if (!globals.DOMMatrix) {
  let canvasLoads = true;
  try {
    createRequire(import.meta.url)('@napi-rs/canvas');
  } catch {
    canvasLoads = false;
  }
  if (!canvasLoads) {
    const { default: DOMMatrixShim } = await import('@thednp/dommatrix');
    globals.DOMMatrix = DOMMatrixShim;
  }
}

/**
 * pdf.js's legacy build carries core-js, which on Node 20 replaces two of the engine's own functions with
 * JavaScript ones, for edge cases pdf.js never meets: `Array.prototype.push` (for an array whose length
 * is read-only) and `JSON.parse` (for access to the source text). Every push in the process, ours
 * included, then costs several times as much: about a tenth of the time a digital agreement takes to
 * read. The worker's module, which pdf.js would load on the first document and which replaces `push`
 * again, is loaded here (pdf.js takes it from `globalThis.pdfjsWorker`), and then the engine's own are
 * put back.
 */
const engineBuiltins = [
  [Array.prototype, 'push'],
  [JSON, 'parse'],
] as const;
const originals = engineBuiltins.map(([owner, name]) => Object.getOwnPropertyDescriptor(owner, name)!);

export const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
export const { PDFParse } = await import('pdf-parse');
(globalThis as { pdfjsWorker?: unknown }).pdfjsWorker ??= await import('pdfjs-dist/legacy/build/pdf.worker.mjs');
engineBuiltins.forEach(([owner, name], index) => Object.defineProperty(owner, name, originals[index]!));
