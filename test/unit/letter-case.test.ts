import { describe, expect, it } from 'vitest';
import { initialCase, lineHeights, restoreInitialCase, type TextLine } from '../../shared/ocr/letter-case.js';
import type { GreyImage } from '../../shared/ocr/preprocess.js';

/**
 * A scanned text line drawn as blocks of ink standing on its baseline: small letters 24 pixels high,
 * ascenders 35, each letter 14 wide with 4 between them, words 20 apart.
 */
const PAPER = 240;
const SMALL = 24;
const ASCENDER = 35;

interface Letter {
  height: number;
  /** How far the letter's foot stays above the baseline: a V whose thin foot the scan lost. */
  lift?: number;
  /** Letters joined to the next (a small letter run into an ascender): a stem of the next's height at its right edge. */
  joinedStem?: number;
}

/** A word, and how far left of its first letter tesseract's box for it starts (into the word before it, set close). */
interface Word {
  text: string;
  letters: Letter[];
  boxStartsEarlier?: number;
}

function drawLine(words: Word[], options: { ink?: number; slope?: number } = {}): { page: GreyImage; line: TextLine } {
  const width = 1600;
  const height = 200;
  const pixels = new Uint8Array(width * height).fill(PAPER);
  const baselineAt = (x: number) => Math.round(120 + (options.slope ?? 0) * x);
  const fill = (x0: number, x1: number, rise: number, lift = 0) => {
    for (let x = x0; x < x1; x++) for (let y = baselineAt(x) - rise; y < baselineAt(x) - lift; y++) pixels[y * width + x] = options.ink ?? 20;
  };
  let x = 40;
  const placed = words.map(({ text, letters, boxStartsEarlier = 0 }) => {
    const x0 = x;
    for (const letter of letters) {
      fill(x, x + 14, letter.height, letter.lift);
      if (letter.joinedStem) fill(x + 12, x + 16, letter.joinedStem);
      x += 18;
    }
    const box = { text, x0: x0 - boxStartsEarlier, x1: x - 4, y0: baselineAt(x0) - ASCENDER, y1: baselineAt(x0) };
    x += 20;
    return box;
  });
  return { page: { width, height, pixels }, line: { words: placed, baseline: { x0: 0, y0: baselineAt(0), x1: width, y1: baselineAt(width) } } };
}

/** Letters of the given heights, `s` for a small letter, `A` for an ascender. */
const letters = (pattern: string): Letter[] => [...pattern].map((kind) => ({ height: kind === 'A' ? ASCENDER : SMALL }));
/** The words around the one tested: enough small letters and ascenders for the line's heights. */
const context = [
  { text: 'mit', letters: letters('sAA') },
  { text: 'und', letters: letters('ssA') },
  { text: 'einer', letters: letters('sssss') },
];

describe('the case of a first letter that has one shape in both cases', () => {
  it('takes the line\'s heights from the letters standing on its baseline', () => {
    const { page, line } = drawLine(context);
    expect(lineHeights(page, line)).toEqual({ xHeight: SMALL, ascender: ASCENDER, ink: (20 + PAPER) / 2 });
  });

  it('writes small a first letter as high as the small letters, which tesseract read as a capital', () => {
    const { page, line } = drawLine([...context, { text: 'Sozialpädagogischer', letters: letters('sssAssAssssss') }, { text: 'Begleitung', letters: letters('AsAssAsssA') }]);
    restoreInitialCase(page, line);
    expect(line.words.map((word) => word.text)).toEqual(['mit', 'und', 'einer', 'sozialpädagogischer', 'Begleitung']);
  });

  it('writes as a capital a first letter that rises nearly to the ascenders across its width', () => {
    const { page, line } = drawLine([...context, { text: 'soziales', letters: [{ height: 33 }, ...letters('ssssAss')] }]);
    restoreInitialCase(page, line);
    expect(line.words.at(-1)?.text).toBe('Soziales');
  });

  it('does not take the last letter of the word before, which the box cuts into, for the first', () => {
    const { page, line } = drawLine([...context, { text: 'familiär', letters: letters('sssAsssss') }, { text: 'Verpflichtete', letters: [{ height: 33 }, ...letters('sssAAsAsAsAs')], boxStartsEarlier: 30 }]);
    restoreInitialCase(page, line);
    expect(line.words.at(-1)?.text).toBe('Verpflichtete');
  });

  it('measures along a baseline that slopes, on faint print as on black', () => {
    const word = { text: 'Sozialpädagogischer', letters: letters('sssAssAssssss') };
    for (const options of [{ slope: Math.tan((2 * Math.PI) / 180) }, { ink: 150 }]) {
      const { page, line } = drawLine([...context, word], options);
      restoreInitialCase(page, line);
      expect(line.words.at(-1)?.text).toBe('sozialpädagogischer');
    }
  });

  it('leaves a letter alone whose height is between the two, whose rising part is a narrow stem (a small letter run into an ascender), or that the scan broke (its foot lost, or only a part of it left)', () => {
    const { page, line } = drawLine([
      ...context,
      { text: 'Soziales', letters: [{ height: 29 }, ...letters('ssssAss')] },
      { text: 'Stellt', letters: [{ height: SMALL, joinedStem: ASCENDER }, ...letters('sAAA')] },
      { text: 'Verpflichtete', letters: [{ height: 33, lift: 8 }, ...letters('sssAAsAsAsAs')] },
      { text: 'Verpflichtete', letters: [{ height: 18 }, ...letters('sssAAsAsAsAs')] },
    ]);
    const heights = lineHeights(page, line)!;
    for (const word of line.words.slice(3)) expect(initialCase(page, word, line, heights)).toBeUndefined();
    restoreInitialCase(page, line);
    expect(line.words.slice(3).map((word) => word.text)).toEqual(['Soziales', 'Stellt', 'Verpflichtete', 'Verpflichtete']);
  });

  it('leaves acronyms, words of other initials, and lines too short to measure alone', () => {
    const acronyms = drawLine([...context, { text: 'SGB', letters: letters('sAA') }, { text: 'Ausbildung', letters: letters('sssAsAAsss') }]);
    restoreInitialCase(acronyms.page, acronyms.line);
    expect(acronyms.line.words.slice(3).map((word) => word.text)).toEqual(['SGB', 'Ausbildung']);
    const short = drawLine([{ text: 'Soziales', letters: letters('ssssAss') }]);
    restoreInitialCase(short.page, short.line);
    expect(short.line.words[0]?.text).toBe('Soziales');
  });
});
