import type { GreyImage } from './preprocess.js';

/** A region of the page in whole pixels, `right` and `bottom` past its last column and row. */
export interface PixelRegion {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** A connected mark of ink: its box in page pixels (`x1`, `y1` past its last column and row), and its pixels as indexes into the page's (row × width + column). */
export interface InkMark {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  pixels: number[];
}

/**
 * The connected marks of ink (8-neighbourhood) inside a region of the page, a pixel being ink where it
 * is darker than `ink`, in the order of their first pixels, row by row: the letters and dots that the
 * checks of a word's capitals (letter-case.ts, umlauts.ts) look at.
 */
export function inkMarks(page: GreyImage, { left, top, right, bottom }: PixelRegion, ink: number): InkMark[] {
  const width = right - left;
  const height = bottom - top;
  if (width <= 0 || height <= 0) return [];
  const inked = (x: number, y: number) => (page.pixels[y * page.width + x] ?? 255) < ink;
  const seen = new Uint8Array(width * height);
  const marks: InkMark[] = [];
  const stack: number[] = [];
  for (let y = top; y < bottom; y++) {
    for (let x = left; x < right; x++) {
      if (seen[(y - top) * width + (x - left)] || !inked(x, y)) continue;
      const mark: InkMark = { x0: x, x1: x + 1, y0: y, y1: y + 1, pixels: [] };
      seen[(y - top) * width + (x - left)] = 1;
      stack.push(x, y);
      while (stack.length > 0) {
        const py = stack.pop()!;
        const px = stack.pop()!;
        mark.pixels.push(py * page.width + px);
        mark.x0 = Math.min(mark.x0, px);
        mark.x1 = Math.max(mark.x1, px + 1);
        mark.y0 = Math.min(mark.y0, py);
        mark.y1 = Math.max(mark.y1, py + 1);
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const nx = px + dx;
            const ny = py + dy;
            if (nx < left || nx >= right || ny < top || ny >= bottom) continue;
            const next = (ny - top) * width + (nx - left);
            if (seen[next] || !inked(nx, ny)) continue;
            seen[next] = 1;
            stack.push(nx, ny);
          }
        }
      }
      marks.push(mark);
    }
  }
  return marks;
}
