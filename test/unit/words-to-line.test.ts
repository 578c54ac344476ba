import { describe, expect, it } from 'vitest';
import { type OcrWord, wordsToLine } from '../../shared/ocr/engine.js';

const word = (text: string, x0: number, x1: number): OcrWord => ({ text, confidence: 0.9, x0, x1, y0: 2015, y1: 2066 });

describe('a line joined from the words OCR read', () => {
  it('joins the parts of a hyphenated name OCR split at its hyphens, which stand closer than a word space', () => {
    expect(wordsToLine([word('des', 280, 342), word('Main-', 365, 465), word('Taunus-', 473, 608), word('Kreises', 620, 755)])).toBe('des Main-Taunus-Kreises');
  });

  it('keeps a word space after a hyphen before a capital, and after a suspended hyphen, and a tab between columns', () => {
    expect(wordsToLine([word('TAff-', 100, 200), word('Teilzeitausbildung', 225, 600)])).toBe('TAff- Teilzeitausbildung');
    expect(wordsToLine([word('Ausbildungs-', 100, 300), word('und', 305, 370)])).toBe('Ausbildungs- und');
    expect(wordsToLine([word('Wiesbaden,', 100, 300), word('Hofheim,', 600, 800)])).toBe('Wiesbaden,\tHofheim,');
  });
});
