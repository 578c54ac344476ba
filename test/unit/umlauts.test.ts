import { describe, expect, it } from 'vitest';
import { hasDiaeresisAbove, restoreCapitalUmlauts, umlautCapitals } from '../../shared/ocr/umlauts.js';
import { greyPage } from '../support/grey-page.js';

/** A capital 30 px high and 24 px wide at (40, 50), as tesseract boxes it: without anything above it. */
const letter = { x0: 40, x1: 64, y0: 50, y1: 80 };
const body: [number, number, number, number] = [40, 50, 24, 30];
const twoDots: [number, number, number, number][] = [
  [44, 40, 4, 4],
  [56, 40, 4, 4],
];

describe('capital umlauts', () => {
  it('sees two dots side by side right above the letter as a diaeresis', () => {
    expect(hasDiaeresisAbove(greyPage(120, 120, [body, ...twoDots]), letter)).toBe(true);
  });

  it('sees none where there is nothing, one dot, three marks, a bar, or dots far off the letter', () => {
    expect(hasDiaeresisAbove(greyPage(120, 120, [body]), letter)).toBe(false);
    expect(hasDiaeresisAbove(greyPage(120, 120, [body, twoDots[0]!]), letter)).toBe(false);
    expect(hasDiaeresisAbove(greyPage(120, 120, [body, ...twoDots, [50, 40, 4, 4]]), letter)).toBe(false);
    expect(hasDiaeresisAbove(greyPage(120, 120, [body, [44, 40, 16, 3]]), letter)).toBe(false);
    expect(hasDiaeresisAbove(greyPage(120, 120, [body, [34, 40, 4, 4], [48, 40, 4, 4]]), letter)).toBe(false);
  });

  it('ignores what reaches down from the line above, and specks of scanner noise', () => {
    const descender: [number, number, number, number] = [58, 0, 3, 38];
    expect(hasDiaeresisAbove(greyPage(120, 120, [body, ...twoDots, descender]), letter)).toBe(true);
    expect(hasDiaeresisAbove(greyPage(120, 120, [body, ...twoDots, [50, 45, 1, 1]]), letter)).toBe(true);
  });

  it('does not judge letters too small to carry a visible diaeresis', () => {
    expect(hasDiaeresisAbove(greyPage(120, 120, [[40, 50, 8, 10], [41, 46, 2, 2], [45, 46, 2, 2]]), { x0: 40, x1: 48, y0: 50, y1: 60 })).toBe(false);
  });

  it('gives the letter its umlaut in the word, by the index of the capital in the text', () => {
    const symbols = [
      { text: 'U', bbox: { x0: 40, x1: 64, y0: 10, y1: 40 } },
      { text: 'S', bbox: { x0: 66, x1: 86, y0: 10, y1: 40 } },
      { text: 'B', bbox: { x0: 88, x1: 108, y0: 10, y1: 40 } },
      { text: 'Z', bbox: { x0: 110, x1: 130, y0: 10, y1: 40 } },
    ];
    const capitals = umlautCapitals(symbols, 40);
    expect(capitals).toEqual([{ index: 0, x0: 40, x1: 64, y0: 50, y1: 80 }]);
    const word = { text: 'USBZ', capitals };
    restoreCapitalUmlauts(greyPage(160, 120, [body, ...twoDots]), word);
    expect(word.text).toBe('ÜSBZ');
    const plain = { text: 'USBZ', capitals };
    restoreCapitalUmlauts(greyPage(160, 120, [body]), plain);
    expect(plain.text).toBe('USBZ');
    expect(umlautCapitals([{ text: 'E', bbox: letter }], 0)).toBeUndefined();
  });
});
