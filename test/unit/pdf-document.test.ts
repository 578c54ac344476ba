import { runInNewContext, runInThisContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { extractionConfigSchema } from '../../shared/config.js';
import { PdfDocument } from '../../shared/pdf/document.js';
import { PDFParse } from '../../shared/pdf/pdfjs.js';
import { handWrittenPdf, streamObject } from '../../fixtures/generator/bad-inputs.js';

const limits = extractionConfigSchema.parse({}).limits;

/** A one-page A4 PDF that paints `image` (an image XObject's dictionary entries and data) over its lower left quarter. */
function pageWithImage(dictionary: string, data: Buffer): Buffer {
  return handWrittenPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /XObject << /Im1 5 0 R >> >> >>',
    streamObject('', Buffer.from('q 297 0 0 421 0 0 cm /Im1 Do Q', 'latin1')),
    streamObject(`/Type /XObject /Subtype /Image ${dictionary}`, data),
  ]);
}

/** A black-and-white scan stored as a stencil mask: every bit set paints, here all of them. */
const imageMaskPage = () => pageWithImage('/Width 400 /Height 400 /ImageMask true /BitsPerComponent 1 /Decode [1 0]', Buffer.alloc((400 / 8) * 400, 0xff));
const greyImagePage = (side: number) => pageWithImage(`/Width ${side} /Height ${side} /ColorSpace /DeviceGray /BitsPerComponent 8`, Buffer.alloc(side * side, 0));

describe('pdf.js as loaded', () => {
  // core-js, in pdf.js's legacy build, replaces these where it finds the engine's short of the latest
  // specification, and disguises its own as native code; what tells them apart is how they behave next
  // to the engine's own in a fresh realm that no module has touched.
  const probes = {
    push: "try { Object.defineProperty([], 'length', { writable: false }).push(); 'no error' } catch (error) { error.name }",
    parse: "typeof JSON.parse('1', (key, value, context) => context)",
  };
  it('leaves the engine its own Array.prototype.push and JSON.parse, also once the worker has run', async () => {
    const engine = (probe: string) => runInNewContext(probe);
    const here = (probe: string) => runInThisContext(probe);
    expect(here(probes.push)).toBe(engine(probes.push));
    expect(here(probes.parse)).toBe(engine(probes.parse));
    const document = await PdfDocument.open(greyImagePage(400), limits);
    expect(document.pageCount).toBe(1);
    await document.close();
    expect(here(probes.push)).toBe(engine(probes.push));
    expect(here(probes.parse)).toBe(engine(probes.parse));
  });
});

describe('PdfDocument', () => {
  it('reads the document pdf-parse opened, which pdf-parse keeps once loaded, and lets it go on close', async () => {
    // PdfDocument.open relies on this: the document every getter of pdf-parse loads is loaded once and kept.
    const parser = new PDFParse({ data: new Uint8Array(greyImagePage(400)) });
    const info = await parser.getInfo();
    const loaded = await (parser as unknown as { load(): Promise<{ numPages: number }> }).load();
    expect(loaded.numPages).toBe(info.total);
    expect(await (parser as unknown as { load(): Promise<unknown> }).load()).toBe(loaded);
    await parser.destroy();

    const document = await PdfDocument.open(greyImagePage(400), limits);
    expect(document.pageCount).toBe(1);
    expect(await document.pageHasImages(1)).toBe(true);
    await document.close();
    await expect(document.pageHasImages(1)).rejects.toThrow();
  });

  it('counts a page-sized image as a scan, whether a grey image or a black-and-white image mask', async () => {
    for (const pdf of [greyImagePage(400), imageMaskPage()]) {
      const document = await PdfDocument.open(pdf, limits);
      expect(await document.pageHasImages(1)).toBe(true);
      await document.close();
    }
  });

  it('does not count an ornament-sized image as a scan', async () => {
    const document = await PdfDocument.open(greyImagePage(40), limits);
    expect(await document.pageHasImages(1)).toBe(false);
    await document.close();
  });

  it('renders a page at the resolution asked for, as RGBA pixels, white where nothing is painted', async () => {
    const document = await PdfDocument.open(imageMaskPage(), limits);
    const raster = await document.renderPage(1, 72);
    await document.close();
    expect([raster.width, raster.height, raster.rgba.length]).toEqual([595, 842, 595 * 842 * 4]);
    const pixel = (x: number, y: number) => Array.from(raster.rgba.subarray((y * raster.width + x) * 4, (y * raster.width + x) * 4 + 4));
    // The mask covers the lower left quarter (PDF y runs up, raster rows run down).
    expect(pixel(100, 700)).toEqual([0, 0, 0, 255]);
    expect(pixel(500, 100)).toEqual([255, 255, 255, 255]);
  });
});
