import { describe, expect, it } from 'vitest';
import { edgeMarks } from '../../shared/ocr/edge-marks.js';

/** Symbols side by side, each 20 pixels wide and 30 high. */
const symbols = (...texts: string[]) => texts.map((text, index) => ({ text, bbox: { x0: 100 + index * 20, x1: 118 + index * 20, y0: 10, y1: 40 } }));

describe('the marks at the edges of a word tesseract read', () => {
  it('are its quotation marks, with the box its letters span, at either edge', () => {
    expect(edgeMarks('„Coaching', symbols('„', 'C', 'o', 'a', 'c', 'h', 'i', 'n', 'g'), 0)).toEqual({ before: '„', letters: 'Coaching', after: '', x0: 120, x1: 278, y0: 10, y1: 40 });
    expect(edgeMarks('Wege“', symbols('W', 'e', 'g', 'e', '“'), 0)).toEqual({ before: '', letters: 'Wege', after: '“', x0: 100, x1: 178, y0: 10, y1: 40 });
    expect(edgeMarks('"As"', symbols('"', 'A', 's', '"'), 0)).toEqual({ before: '"', letters: 'As', after: '"', x0: 120, x1: 158, y0: 10, y1: 40 });
  });

  it('leave out a blank symbol tesseract took into the word, and the ink it stands for, from the letters\' box', () => {
    // " Assistierte" at 38 %: its blank, twice as tall as its letters, dragged each reading of the word's box down.
    const [blank, ...letters] = symbols(' ', 'A', 's', 's', 'i', 's', 't', 'i', 'e', 'r', 't', 'e');
    const tallBlank = { ...blank!, bbox: { ...blank!.bbox, y0: 0, y1: 60 } };
    expect(edgeMarks(' Assistierte', [tallBlank, ...letters], 0)).toEqual({ before: '', letters: 'Assistierte', after: '', x0: 120, x1: 338, y0: 10, y1: 40 });
    // Read in a band of the page that begins at row 1000.
    expect(edgeMarks('„Wege“', symbols(' ', '„', 'W', 'e', 'g', 'e', '“', ' '), 1000)).toEqual({ before: '„', letters: 'Wege', after: '“', x0: 140, x1: 218, y0: 1010, y1: 1040 });
  });

  it('are none without marks or blanks, of marks alone, or where its symbols spell another text', () => {
    expect(edgeMarks('Coaching', symbols('C', 'o', 'a', 'c', 'h', 'i', 'n', 'g'), 0)).toBeUndefined();
    expect(edgeMarks('„“', symbols('„', '“'), 0)).toBeUndefined();
    expect(edgeMarks(' ', symbols(' '), 0)).toBeUndefined();
    expect(edgeMarks('„Coachimg', symbols('„', 'C', 'o', 'a', 'c', 'h', 'i', 'n', 'g'), 0)).toBeUndefined();
  });
});
