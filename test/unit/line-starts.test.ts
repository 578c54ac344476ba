import { describe, expect, it } from 'vitest';
import type { OcrWord } from '../../shared/ocr/engine.js';
import { readsLineStart, unreadInkBefore } from '../../shared/ocr/line-starts.js';
import type { GreyImage } from '../../shared/ocr/preprocess.js';

const WIDTH = 600;
const HEIGHT = 120;

/** A white strip with blocks of ink from `from` to `to` across rows 40 to 80: letters, as far as columns go. */
function strip(...blocks: [number, number][]): GreyImage {
  const pixels = new Uint8Array(WIDTH * HEIGHT).fill(240);
  for (const [from, to] of blocks) for (let y = 40; y < 80; y++) for (let x = from; x < to; x++) pixels[y * WIDTH + x] = 20;
  return { width: WIDTH, height: HEIGHT, pixels };
}

const word = (text: string, x0: number, x1: number, confidence = 90): OcrWord => ({ text, confidence, x0, x1, y0: 40, y1: 80 });

describe('a line read with its first letters left unread', () => {
  it('has ink no word covers running up to its first word from the left, as wide as two letters', () => {
    // "Land" at 100–190, then "rätin" read from 190.
    const image = strip([100, 130], [135, 160], [165, 190], [190, 300]);
    expect(unreadInkBefore(image, [word('rätin', 190, 300)])).toBe(100);
    // A word space before the ink that a word covers: the ink is the word before's, and it was read.
    expect(unreadInkBefore(strip([100, 180], [200, 300]), [word('Monika', 100, 180), word('Günther', 200, 300)])).toBeUndefined();
  });

  it('has no such ink where it is a bullet or a speck, or lies a word space and more away', () => {
    expect(unreadInkBefore(strip([170, 182], [200, 300]), [word('Berufssprachkurs', 200, 300)])).toBeUndefined();
    expect(unreadInkBefore(strip([60, 120], [200, 300]), [word('Pflege', 200, 300)])).toBeUndefined();
    expect(unreadInkBefore(strip([200, 300]), [word('Pflege', 200, 300)])).toBeUndefined();
  });
});

describe('a cut line read again', () => {
  const cut = [word('rätin', 190, 300, 0)];

  it('stands where it reaches into the unread ink with letters read surely and ends in the same letters', () => {
    expect(readsLineStart(cut, [word('Landrätin', 100, 300, 96)], 100, 40)).toBe(true);
    // The page pass read the cut letter's stem as a letter of its own.
    expect(readsLineStart([word('Irätin', 180, 300, 0)], [word('Landrätin', 100, 300, 96)], 100, 40)).toBe(true);
  });

  it('does not where it reads other letters, adds nothing, stops short of the ink, or is unsure of what it adds', () => {
    expect(readsLineStart(cut, [word('Landrat', 100, 300, 96)], 100, 40)).toBe(false);
    expect(readsLineStart(cut, [word('rätin', 190, 300, 96)], 100, 40)).toBe(false);
    expect(readsLineStart(cut, [word('drätin', 160, 300, 96)], 100, 40)).toBe(false);
    expect(readsLineStart(cut, [word('jrätin', 100, 300, 3)], 100, 40)).toBe(false);
    expect(readsLineStart(cut, [word('Xq', 100, 150, 40), word('rätin', 190, 300, 90)], 100, 40)).toBe(false);
  });
});
