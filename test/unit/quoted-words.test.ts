import { describe, expect, it } from 'vitest';
import { quotedLetters } from '../../shared/ocr/quoted-words.js';

/** Symbols side by side, each 20 pixels wide. */
const symbols = (...texts: string[]) => texts.map((text, index) => ({ text, bbox: { x0: 100 + index * 20, x1: 118 + index * 20, y0: 10, y1: 40 } }));

describe('a word read with quotation marks at its edges', () => {
  it('has its marks and the columns its letters span, at either edge', () => {
    expect(quotedLetters('„Coaching', symbols('„', 'C', 'o', 'a', 'c', 'h', 'i', 'n', 'g'))).toEqual({ before: '„', letters: 'Coaching', after: '', x0: 120, x1: 278 });
    expect(quotedLetters('Wege“', symbols('W', 'e', 'g', 'e', '“'))).toEqual({ before: '', letters: 'Wege', after: '“', x0: 100, x1: 178 });
    expect(quotedLetters('"As"', symbols('"', 'A', 's', '"'))).toEqual({ before: '"', letters: 'As', after: '"', x0: 120, x1: 158 });
  });

  it('has none without marks, of marks alone, or where its symbols spell another text', () => {
    expect(quotedLetters('Coaching', symbols('C', 'o', 'a', 'c', 'h', 'i', 'n', 'g'))).toBeUndefined();
    expect(quotedLetters('„“', symbols('„', '“'))).toBeUndefined();
    expect(quotedLetters('„Coachimg', symbols('„', 'C', 'o', 'a', 'c', 'h', 'i', 'n', 'g'))).toBeUndefined();
  });
});
