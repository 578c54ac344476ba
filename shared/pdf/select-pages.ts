import { PDFDocument } from 'pdf-lib';

/**
 * A new PDF holding only the given pages (1-based, in the order given). An OCR service that charges per
 * page is sent just the scanned pages of a mixed document.
 */
export async function pdfWithPages(bytes: Uint8Array, pages: readonly number[]): Promise<Uint8Array> {
  const source = await PDFDocument.load(bytes, { updateMetadata: false });
  const selection = await PDFDocument.create({ updateMetadata: false });
  for (const page of await selection.copyPages(source, pages.map((number) => number - 1))) selection.addPage(page);
  return selection.save();
}
