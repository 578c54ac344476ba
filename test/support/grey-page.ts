import type { GreyImage } from '../../shared/ocr/preprocess.js';

/** A white page with black rectangles, as the OCR preprocessing leaves a scan (grey, ink near black). */
export function greyPage(width: number, height: number, marks: [x: number, y: number, w: number, h: number][]): GreyImage {
  const pixels = new Uint8Array(width * height).fill(255);
  for (const [x0, y0, w, h] of marks) {
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) pixels[y * width + x] = 20;
  }
  return { width, height, pixels };
}
