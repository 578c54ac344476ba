import { describe, expect, it } from 'vitest';
import { capitalFs, hasFootBar, restoreCapitalE } from '../../shared/ocr/capital-e.js';
import { textConfidence } from '../../shared/ocr/engine.js';
import { takesSecondReading } from '../../shared/ocr/tesseract.js';
import { greyPage } from '../support/grey-page.js';

const page = (marks: [x: number, y: number, w: number, h: number][]) => greyPage(120, 120, marks);

/** A capital 36 px high and 24 px wide at (40, 40): stem, head bar, middle bar, and for an E the foot bar. */
const box = { x0: 40, x1: 64, y0: 40, y1: 76 };
const stem: [number, number, number, number] = [40, 40, 5, 36];
const head: [number, number, number, number] = [40, 40, 24, 5];
const middle: [number, number, number, number] = [40, 56, 20, 4];
const foot: [number, number, number, number] = [40, 71, 24, 5];
/** Serifs either side of an F's stem, as Times sets it. */
const serif: [number, number, number, number] = [36, 73, 13, 3];

describe('capital E read as F', () => {
  it('sees an E where the foot of the box carries a bar as wide as its head', () => {
    expect(hasFootBar(page([stem, head, middle, foot]), box)).toBe(true);
  });

  it('sees an F where the foot is only the stem, with or without serifs, and judges no letter too small', () => {
    expect(hasFootBar(page([stem, head, middle]), box)).toBe(false);
    expect(hasFootBar(page([stem, head, middle, serif]), box)).toBe(false);
    expect(hasFootBar(page([[40, 40, 3, 8], [40, 40, 6, 2], [40, 46, 6, 2]]), { x0: 40, x1: 46, y0: 40, y1: 48 })).toBe(false);
  });

  it('gives the word its E back by the index of the letter in the text, and leaves a real F alone', () => {
    const symbols = [
      { text: 'F', bbox: { x0: 40, x1: 64, y0: 30, y1: 66 } },
      { text: 'A', bbox: { x0: 66, x1: 86, y0: 30, y1: 66 } },
    ];
    const misread = { text: 'FASY', fs: capitalFs(symbols, 10) };
    restoreCapitalE(page([stem, head, middle, foot]), misread);
    expect(misread.text).toBe('EASY');
    const real = { text: 'FASY', fs: capitalFs(symbols, 10) };
    restoreCapitalE(page([stem, head, middle]), real);
    expect(real.text).toBe('FASY');
  });
});

describe('a second reading of a doubtful word', () => {
  it('replaces the first when much surer and of the same extent, one letter more or fewer inside the word', () => {
    expect(takesSecondReading({ text: 'Grütiner', confidence: 29 }, { text: 'Grüttner', confidence: 71 })).toBe(true);
    expect(takesSecondReading({ text: ' Bernufssprachkurs', confidence: 34 }, { text: 'Berufssprachkurs', confidence: 91 })).toBe(true);
    expect(takesSecondReading({ text: 'Beschäfügungsfähigkeit', confidence: 53 }, { text: 'Beschäftigungsfähigkeit', confidence: 80 })).toBe(true);
  });

  it('keeps the first where the second clipped or took in a letter at an end, or is not much surer', () => {
    expect(takesSecondReading({ text: 'Jugend', confidence: 11 }, { text: 'ugend', confidence: 91 })).toBe(false);
    expect(takesSecondReading({ text: 'Kompetenzagentur', confidence: 54 }, { text: 'Kompetenzagentur J', confidence: 76 })).toBe(false);
    expect(takesSecondReading({ text: 'Assistierte', confidence: 57 }, { text: 'Assistierte.', confidence: 58 })).toBe(false);
    expect(takesSecondReading({ text: 'INS', confidence: 34 }, { text: 'UNS', confidence: 38 })).toBe(false);
  });
});

describe('how surely a page was read', () => {
  /** Words with tesseract's percentages, as shares. */
  const line = (...read: [text: string, percent: number][]) => read.map(([text, percent]) => ({ text, confidence: percent / 100 }));

  it('weighs the words of its text by their letters', () => {
    expect(textConfidence([line(['Wiesbaden,', 95], ['den', 60])])).toBeCloseTo((9 * 95 + 3 * 60) / 12 / 100);
  });

  it('leaves out what OCR made of a stamp, a signature or speckle: short words, and lines read with next to no confidence', () => {
    const signaturePage = [
      line(['Stefan', 93], ['Grüttner', 92], ['a', 38], ['®', 0], ['nn', 0]),
      line(['EEE', 20], ['PAD', 27], ['Ann', 41], ['„>', 13], ['a2', 3], ['..yq', 48]),
      line(['VERNTU', 0], ['.amszen', 0]),
    ];
    expect(textConfidence(signaturePage)).toBeCloseTo((6 * 93 + 8 * 92) / 14 / 100);
  });

  it('keeps a faded page\'s lines, read at middling confidence', () => {
    expect(textConfidence([line(['Ausbildung', 45], ['Beschäftigung', 55]), line(['Stefan', 95])])).toBeCloseTo((10 * 45 + 13 * 55 + 6 * 95) / 29 / 100);
  });

  it('is nought for a page without a line of text', () => {
    expect(textConfidence([line(['®', 0], ['a', 40]), line(['EEE', 12])])).toBe(0);
    expect(textConfidence([])).toBe(0);
  });
});
