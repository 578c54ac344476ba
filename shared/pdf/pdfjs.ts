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

export const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
export const { PDFParse } = await import('pdf-parse');
