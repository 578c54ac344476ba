import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { extractionConfigSchema } from '../../shared/config.js';
import { PdfDocument, type PageRaster } from '../../shared/pdf/document.js';
import { TesseractOcrEngine } from '../../shared/ocr/tesseract.js';

/** A small white page with a few black bars, as a page rendered for OCR. */
function barsPage(): PageRaster {
  const width = 600;
  const height = 400;
  const rgba = new Uint8ClampedArray(width * height * 4).fill(255);
  for (let y = 100; y < 300; y += 40) {
    for (let row = y; row < y + 12; row++) rgba.fill(0, (row * width + 100) * 4, (row * width + 500) * 4);
  }
  for (let index = 3; index < rgba.length; index += 4) rgba[index] = 255;
  return { width, height, rgba };
}

describe('TesseractOcrEngine', () => {
  const engine = new TesseractOcrEngine(1);
  afterAll(() => engine.close());

  it('renders a queued page only once a worker can take it, so that waiting pages hold no pixels', async () => {
    const events: string[] = [];
    const pages = [1, 2, 3].map((number) =>
      engine
        .recognize(async () => {
          // The page before settles a few microtasks after the engine starts on this one; a turn of the
          // event loop lets its "read" be logged first, while a render started early would still be early.
          await new Promise((resolve) => setImmediate(resolve));
          events.push(`render ${number}`);
          return barsPage();
        })
        .then(() => events.push(`read ${number}`)),
    );
    await Promise.all(pages);
    expect(events).toEqual(['render 1', 'read 1', 'render 2', 'read 2', 'render 3', 'read 3']);
  });

  it('passes on a page that could not be rendered, and goes on with the next', async () => {
    const scan = await PdfDocument.open(
      await readFile('fixtures/pdf/scanned/scan-2025-landkreis-marburg-biedenkopf.pdf'),
      extractionConfigSchema.parse({}).limits,
    );
    try {
      const failed = engine.recognize(() => Promise.reject(new Error('page 1 could not be rendered')));
      const next = engine.recognize(() => scan.renderPage(1, 300));
      await expect(failed).rejects.toThrow('page 1 could not be rendered');
      const { lines } = await next;
      expect(lines.slice(0, 3)).toEqual(['Zielvereinbarung', '2025', 'zwischen']);
      expect(lines).toContain('und dem Landkreis Marburg-Biedenkopf');
    } finally {
      await scan.close();
    }
  });
});
