import { describe, expect, it } from 'vitest';
import { alignToWords, evidenceOf, locate, type SourceLine, textRangeSpans } from '../../shared/extract/evidence.js';
import { dropOcrJunk, repairDigits, restoreDashes } from '../../shared/extract/ocr-repairs.js';
import type { PlacedWord } from '../../shared/pdf/text-layer.js';

/** The words of `raw` as a reader places them: 6 points a character, on a line from y 100 to 110. */
function placed(raw: string, confidences: number[] = []): PlacedWord[] {
  return [...raw.matchAll(/\S+/g)].map((match, index) => ({
    text: match[0],
    left: 60 + (match.index ?? 0) * 6,
    right: 60 + ((match.index ?? 0) + match[0].length) * 6,
    top: 100,
    bottom: 110,
    confidence: confidences[index] ?? 1,
  }));
}

/** Which word each character of `cleaned` came from, as the words' texts ('' for none). */
function wordsOf(cleaned: string, raw: string): string[] {
  const words = placed(raw);
  const origin = alignToWords(cleaned, raw, words);
  return [...cleaned].map((_, index) => words[origin[index] ?? -1]?.text ?? '');
}

describe('cleaned text traced back to the words it was read from', () => {
  it('keeps each character with its word where nothing was repaired', () => {
    expect(wordsOf('1. Ausbildung', '1. Ausbildung')).toEqual([...'1.'].map(() => '1.').concat('', ...[...'Ausbildung'].map(() => 'Ausbildung')));
  });

  it('follows the words through dropped junk, repaired digits and restored dashes', () => {
    const raw = "o' Werkstatt Zukunft - 1.O18.91O Euro |";
    const cleaned = restoreDashes(dropOcrJunk(repairDigits(raw)));
    expect(cleaned).toBe("o' Werkstatt Zukunft – 1.018.910 Euro");
    const origin = wordsOf(cleaned, raw);
    const of = (text: string) => [...new Set(origin.slice(cleaned.indexOf(text), cleaned.indexOf(text) + text.length))];
    expect(of('Werkstatt Zukunft')).toEqual(['Werkstatt', '', 'Zukunft']);
    expect(of('1.018.910')).toEqual(['1.O18.91O']);
    expect(of('–')).toEqual(['-']);
  });

  it('gives a word OCR split and the repairs joined both of its halves', () => {
    const raw = 'der J ugend';
    const cleaned = restoreDashes(raw);
    expect(cleaned).toBe('der Jugend');
    expect(new Set(wordsOf(cleaned, raw).slice(4))).toEqual(new Set(['J', 'ugend']));
  });
});

describe('finding a value among lines', () => {
  const lines = ['zur Umsetzung des hessischen Ausbildungs- und', 'Qualifizierungsbudgets', 'Hofheim, den 18.08.2025'];

  it('takes the place where the value stands as written', () => {
    expect(locate(lines, [{ line: 2, start: 0, end: 23 }], '18.08.2025')).toEqual([{ line: 2, start: 13, end: 23 }]);
  });

  it('finds a value the document wrote over a line break, inflected or misread, as the run of words closest to it', () => {
    const region = [
      { line: 0, start: 0, end: lines[0]!.length },
      { line: 1, start: 0, end: lines[1]!.length },
    ];
    expect(locate(lines, region, 'Ausbildungs- und Qualifizierungsbudget')).toEqual([
      { line: 0, start: 29, end: lines[0]!.length },
      { line: 1, start: 0, end: lines[1]!.length },
    ]);
    expect(locate(['Staatsministenin'], [{ line: 0, start: 0, end: 16 }], 'Staatsministerin')).toEqual([{ line: 0, start: 0, end: 16 }]);
  });

  it('finds nothing where nothing is like the value', () => {
    expect(locate(lines, [{ line: 2, start: 0, end: 23 }], 'Wiesbaden')).toBeUndefined();
  });

  it('turns a range of the lines joined by line breaks into stretches of each line', () => {
    const start = lines[0]!.indexOf('Ausbildungs');
    expect(textRangeSpans(lines, start, lines[0]!.length + 1 + 6)).toEqual([
      { line: 0, start, end: lines[0]!.length },
      { line: 1, start: 0, end: 6 },
    ]);
  });
});

describe('evidence of a value', () => {
  const page = { size: { width: 600, height: 800 }, source: 'tesseract' as const };
  const line = (raw: string, pageNumber: number, confidences: number[] = []): SourceLine => {
    const words = placed(raw, confidences);
    return { page: pageNumber, words, origin: alignToWords(raw, raw, words) };
  };

  it('is the box around its words in fractions of the page, their mean confidence and their text as read', () => {
    const lines = [line('Hofheim, den 18.O8.2025', 2, [0.9, 0.8, 0.4])];
    const evidence = evidenceOf({ path: 'agreement.signatures[1].date', spans: [{ line: 0, start: 13, end: 23 }] }, lines, new Map([[2, page]]));
    expect(evidence?.evidence).toEqual({
      path: 'agreement.signatures[1].date',
      page: 2,
      box: { left: (60 + 13 * 6) / 600, top: 100 / 800, width: (10 * 6) / 600, height: 10 / 800 },
      source: 'tesseract',
      confidence: 0.4,
      text: '18.O8.2025',
    });
  });

  it('covers a value over two lines, lies on the page that holds most of it, and keeps every word of it, on either page, with its page and place, for the checks', () => {
    const lines = [line('Werkstatt', 1, [0.9]), line('Zukunft – Qualifizierung in Holz', 2, [0.8, 0.9, 0.7, 0.9, 0.6])];
    const evidence = evidenceOf(
      { path: 'agreement.measures[0].projects[0]', spans: [{ line: 0, start: 0, end: 9 }, { line: 1, start: 0, end: 32 }] },
      lines,
      new Map([[1, page], [2, page]]),
    );
    expect(evidence?.evidence.page).toBe(2);
    expect(evidence?.evidence.text).toBe('Zukunft – Qualifizierung in Holz');
    expect(evidence?.evidence.confidence).toBeCloseTo((0.9 + 0.8 + 0.9 + 0.7 + 0.9 + 0.6) / 6);
    expect(evidence?.words).toEqual([
      { text: 'Werkstatt', confidence: 0.9, page: 1, left: 60, top: 100 },
      { text: 'Zukunft', confidence: 0.8, page: 2, left: 60, top: 100 },
      { text: '–', confidence: 0.9, page: 2, left: 108, top: 100 },
      { text: 'Qualifizierung', confidence: 0.7, page: 2, left: 120, top: 100 },
      { text: 'in', confidence: 0.9, page: 2, left: 210, top: 100 },
      { text: 'Holz', confidence: 0.6, page: 2, left: 228, top: 100 },
    ]);
  });

  it('keeps its text as read, and gives its words as the clean-up writes them into the value: a dotless "ı" is an "i"', () => {
    // "Katrin Wagner" was read "Katım Wagner" and recorded as "Katim Wagner"; its words are judged as recorded.
    const raw = 'Katım Wagner';
    const words = placed(raw, [0.73, 0.95]);
    const lines = [{ page: 2, words, origin: alignToWords('Katim Wagner', raw, words) }];
    const evidence = evidenceOf({ path: 'agreement.signatures[1].name', spans: [{ line: 0, start: 0, end: 12 }] }, lines, new Map([[2, page]]));
    expect(evidence?.evidence.text).toBe('Katım Wagner');
    expect(evidence?.words.map((word) => word.text)).toEqual(['Katim', 'Wagner']);
  });

  it('keeps the other readings OCR gave a word, written as the word is', () => {
    const raw = 'Arbeit – FA';
    const words = placed(raw, [0.95, 0.9, 0.87]).map((word) => (word.text === 'FA' ? { ...word, readings: [{ text: 'FıA', confidence: 0.71 }] } : word));
    const lines = [{ page: 2, words, origin: alignToWords(raw, raw, words) }];
    const evidence = evidenceOf({ path: 'agreement.measures[0].projects[0]', spans: [{ line: 0, start: 0, end: raw.length }] }, lines, new Map([[2, page]]));
    expect(evidence?.words.map((word) => word.readings)).toEqual([undefined, undefined, [{ text: 'FiA', confidence: 0.71 }]]);
  });

  it('is none where the stretch holds no word', () => {
    expect(evidenceOf({ path: 'agreement.title', spans: [{ line: 0, start: 0, end: 0 }] }, [line('Zielvereinbarung', 1)], new Map([[1, page]]))).toBeUndefined();
  });
});
