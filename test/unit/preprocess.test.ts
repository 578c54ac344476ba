import { describe, expect, it } from 'vitest';
import { doubleSize, halfSize, isFaintPrint, scaledUp } from '../../shared/ocr/preprocess.js';
import { greyPage } from '../support/grey-page.js';

/** Text-like marks: strokes three pixels wide in rows, as body text gives at OCR resolution. */
const strokes: [number, number, number, number][] = [];
for (let row = 0; row < 6; row++) for (let column = 0; column < 20; column++) strokes.push([20 + column * 9, 20 + row * 30, 3, 18]);

/** The page with its marks at `ink` on paper of `paper`. */
function printedAt(ink: number, paper: number) {
  const page = greyPage(220, 220, strokes);
  page.pixels.forEach((value, index) => {
    page.pixels[index] = value === 255 ? paper : ink;
  });
  return page;
}

describe('faint print', () => {
  it('is print whose ink is mid-grey on the paper, as a faint copy gives it', () => {
    expect(isFaintPrint(printedAt(110, 246))).toBe(true);
    expect(isFaintPrint(printedAt(90, 200))).toBe(true);
  });

  it('is not print in black, nor black print with grey edges and light specks, nor a blank page', () => {
    expect(isFaintPrint(printedAt(20, 255))).toBe(false);
    expect(isFaintPrint(printedAt(55, 240))).toBe(false);
    // Antialiased edges (grey 150) and specks (200) are many, but most print pixels are black.
    const edged = printedAt(10, 250);
    for (let y = 20; y < 38; y++) for (let column = 0; column < 20; column++) edged.pixels[y * 220 + 23 + column * 9] = 150;
    for (let speck = 0; speck < 300; speck++) edged.pixels[(200 + (speck % 15)) * 220 + speck] = 200;
    expect(isFaintPrint(edged)).toBe(false);
    expect(isFaintPrint(greyPage(100, 100, []))).toBe(false);
  });
});

describe('an image at half or double its size', () => {
  const pgm = (width: number, height: number, pixels: number[]) => Buffer.concat([Buffer.from(`P5\n${width} ${height}\n255\n`, 'latin1'), Uint8Array.from(pixels)]);

  it('halves width and height, each pixel the darkest of its four, so that a stroke one pixel wide stays', () => {
    // 5 × 3: a hairline in the second column, a grey pixel in the fourth; the odd last row and column go.
    const image = pgm(5, 3, [255, 0, 255, 255, 255, 255, 0, 255, 200, 255, 9, 9, 9, 9, 9]);
    expect(halfSize(image)).toEqual(pgm(2, 1, [0, 200]));
  });

  it('doubles width and height, each pixel four times', () => {
    expect(doubleSize(pgm(2, 1, [0, 200]))).toEqual(pgm(4, 2, [0, 0, 200, 200, 0, 0, 200, 200]));
    expect(halfSize(doubleSize(pgm(3, 2, [0, 9, 255, 255, 40, 0])))).toEqual(pgm(3, 2, [0, 9, 255, 255, 40, 0]));
  });

  it('enlarges an image any whole number of times, each pixel a square block (word crops are read enlarged)', () => {
    const row = [0, 0, 0, 200, 200, 200];
    expect(scaledUp({ width: 2, height: 1, pixels: Uint8Array.from([0, 200]) }, 3)).toEqual({ width: 6, height: 3, pixels: Uint8Array.from([...row, ...row, ...row]) });
  });

  it('takes no image but the PGM files this module writes', () => {
    expect(() => halfSize(Buffer.from('P6\n2 2\n255\n0000'))).toThrow();
    expect(() => doubleSize(Buffer.from('P6\n2 2\n255\n0000'))).toThrow();
  });
});
