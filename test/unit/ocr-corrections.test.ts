import { describe, expect, it } from 'vitest';
import { capitalEsAndFs, hasFootBar, hasStemFoot, restoreCapitalE, withStemFootEsAsF } from '../../shared/ocr/capital-e.js';
import { textConfidence } from '../../shared/ocr/engine.js';
import { chooseReading, clippedSide, otherReadings, secondReading, textsToLookUp } from '../../shared/ocr/word-readings.js';
import { splitDigitGroups } from '../../shared/ocr/digit-groups.js';
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
    const misread = { text: 'FASY', efs: capitalEsAndFs(symbols, 10) };
    restoreCapitalE(page([stem, head, middle, foot]), misread);
    expect(misread.text).toBe('EASY');
    const real = { text: 'FASY', efs: capitalEsAndFs(symbols, 10) };
    restoreCapitalE(page([stem, head, middle]), real);
    expect(real.text).toBe('FASY');
  });

  it('sees an F read as E where the foot is a stem alone under a head bar, and offers the word with it; an E with its foot bar, or one too small to tell, stays', () => {
    expect(hasStemFoot(page([stem, head, middle, serif]), box)).toBe(true);
    expect(hasStemFoot(page([stem, head, middle, foot]), box)).toBe(false);
    // tesseract's box may hold the stem alone: the letter is taken as far as its ink runs on.
    const stemBox = { ...box, x1: 47 };
    expect(hasStemFoot(page([stem, head, middle, serif]), stemBox)).toBe(true);
    expect(hasStemFoot(page([stem, head, middle, foot]), stemBox)).toBe(false);
    // As wide as its head bar runs: an "r" touching it adds no foot of its own.
    expect(hasStemFoot(page([stem, head, middle, serif, [64, 50, 3, 26], [60, 73, 12, 3]]), stemBox)).toBe(true);
    // No head bar across the box: no capital to judge.
    expect(hasStemFoot(page([stem, middle]), box)).toBe(false);
    expect(hasStemFoot(page([[40, 40, 3, 8], [40, 40, 6, 2], [40, 46, 6, 2]]), { x0: 40, x1: 46, y0: 40, y1: 48 })).toBe(false);
    const symbols = [
      { text: 'E', bbox: { x0: 40, x1: 64, y0: 30, y1: 66 } },
      { text: 'r', bbox: { x0: 66, x1: 76, y0: 30, y1: 66 } },
    ];
    expect(withStemFootEsAsF(page([stem, head, middle]), { text: 'Erauen', efs: capitalEsAndFs(symbols, 10) })).toBe('Frauen');
    expect(withStemFootEsAsF(page([stem, head, middle, foot]), { text: 'Erauen', efs: capitalEsAndFs(symbols, 10) })).toBeUndefined();
  });
});

describe('the words read again alone', () => {
  it('reads again a word tesseract was unsure of, one unknown to the lexicon below 90 %, and a long plain one it does not know however sure', () => {
    expect(secondReading({ text: 'Ministerium', confidence: 69 })).toBe('always');
    expect(secondReading({ text: 'Ministerium', confidence: 70 })).toBe('unless-known');
    expect(secondReading({ text: 'AsylbLG', confidence: 89 })).toBe('unless-known');
    expect(secondReading({ text: 'AsylbLG', confidence: 90 })).toBe('never');
    // A misread letter in a long word makes a non-word tesseract can be sure of.
    expect(secondReading({ text: 'Aleinerziehende', confidence: 91 })).toBe('unless-known');
    expect(secondReading({ text: 'Jahr', confidence: 96 })).toBe('never');
    expect(secondReading({ text: '2014', confidence: 25 })).toBe('always');
    expect(secondReading({ text: '07.03.2014', confidence: 60 })).toBe('always');
    expect(secondReading({ text: '1.707.998,-', confidence: 25 })).toBe('never');
    expect(secondReading({ text: '1.5391.186,99', confidence: 36 })).toBe('never');
    expect(secondReading({ text: '14.', confidence: 25 })).toBe('never');
  });
});

describe('the readings of a doubtful word', () => {
  const reading = (text: string, confidence: number) => ({ text, confidence });
  const lexicon = new Set(['Jugendwerkstatt', 'Grüttner', 'Berufssprachkurs', 'Beschäftigungsfähigkeit', 'Jugend', 'Kompetenzagentur', 'Assistierte', 'Assistierte.', 'Orientierung', 'flexible', 'bleiben', 'Ministerium']);
  const known = (text: string) => lexicon.has(text);

  it('takes a much surer reading of the same extent, one letter more or fewer inside the word', () => {
    expect(chooseReading(reading('Grütiner', 29), [reading('Grüttner', 71), reading('Grütiner', 30)], () => false)).toEqual(reading('Grüttner', 71));
    expect(chooseReading(reading(' Bernufssprachkurs', 34), [reading('Berufssprachkurs', 91), reading('Bernufssprachkurs', 20)], () => false)).toEqual(reading('Berufssprachkurs', 91));
    expect(chooseReading(reading('Beschäfügungsfähigkeit', 53), [reading('Beschäftigungsfähigkeit', 80), reading('Beschafügungsfähigkeit', 60)], () => false)).toEqual(reading('Beschäftigungsfähigkeit', 80));
  });

  it('takes a known word both crops read alike, two letters longer or with other last letters, where the page read no word; not one crop alone, nor over a known word', () => {
    expect(chooseReading(reading('Onenterung', 67), [reading('Orientierung', 74), reading('Orientierung', 95)], known)).toEqual(reading('Orientierung', 98));
    expect(chooseReading(reading('Onenterung', 67), [reading('Orientierung', 74), reading('Onenterung', 70)], known)).toEqual(reading('Onenterung', 67));
    expect(chooseReading(reading('Onenterung', 67), [reading('Orientierung', 74), reading('Orientierung', 95)], (text) => ['Onenterung', 'Orientierung'].includes(text))).toEqual(reading('Onenterung', 67));
    expect(chooseReading(reading('Hombun', 48), [reading('Homburg', 94), reading('Homburg', 86)], (text) => text === 'Homburg')).toEqual(reading('Homburg', 99));
    // Three letters more is another extent, and so is another first letter.
    expect(chooseReading(reading('Onenung', 67), [reading('Orientierung', 74), reading('Orientierung', 95)], known)).toEqual(reading('Onenung', 67));
    expect(chooseReading(reading('ugendwerkstat', 67), [reading('Jugendwerkstatt', 74), reading('Jugendwerkstatt', 95)], known)).toEqual(reading('ugendwerkstat', 67));
  });

  it('keeps the first where a reading clipped or added a letter at an end, or is not much surer', () => {
    expect(chooseReading(reading('Jugend', 11), [reading('ugend', 91), reading('ugend', 92)], known)).toEqual(reading('Jugend', 11));
    expect(chooseReading(reading('Kompetenzagentur', 54), [reading('Kompetenzagentur J', 60), reading('Kompetenzagentur J', 66)], known)).toEqual(reading('Kompetenzagentur', 93));
    expect(chooseReading(reading('INS', 34), [reading('UNS', 38), reading('IMS', 30)], () => false)).toEqual(reading('INS', 34));
    expect(chooseReading(reading('TAff', 35), [reading('TAf-', 91), reading('TAf-', 90)], () => false)).toEqual(reading('TAff', 35));
  });

  it('prefers a word the lexicon knows to one it does not, however sure tesseract was of the non-word', () => {
    // The despeckling thinned the hairlines of "ri" to an "n"; the unfiltered page shows them.
    expect(chooseReading(reading('Onentierung', 46), [reading('Onentierung', 60), reading('Orientierung', 94)], known)).toEqual(reading('Orientierung', 94));
    expect(chooseReading(reading('flexible', 43), [reading('flexihle', 90), reading('flexible', 57)], known)).toEqual(reading('flexible', 75));
    expect(chooseReading(reading('Ministenum', 84), [reading('Ministerium', 11), reading('Ministerium', 55)], known)).toEqual(reading('Ministerium', 59));
  });

  it('reads a word alone as one word, whatever gap the face leaves inside it, and leaves out a neighbour the crop took in', () => {
    expect(chooseReading(reading('Jugend', 39), [reading('J ugend', 91), reading('J ugend', 88)], known)).toEqual(reading('Jugend', 99));
    expect(chooseReading(reading('Kompetenzagentur', 37), [reading('Kompetenzagentur J', 88), reading('Kompetenzagentur', 90)], known)).toEqual(reading('Kompetenzagentur', 99));
    expect(chooseReading(reading('Kompetenzagentur', 37), [reading('Kompetenzagentur J', 88), reading('Kompetenzagentur J', 86)], known)).toEqual(reading('Kompetenzagentur', 98));
  });

  it('takes a reading with a mark beside the letters of a known word the page read bare as a witness of that word, and keeps the word bare', () => {
    // Wrong only if every reading is: 1 − (1 − 0.37)(1 − 0.49)(1 − 0.65) = 0.89.
    expect(chooseReading(reading(' Kompetenzagentur', 37), [reading('_Kompetenzagentur', 49), reading('_Kompetenzagentur', 65)], known)).toEqual(reading('Kompetenzagentur', 88));
    expect(chooseReading(reading('Assistierte', 57), [reading('Assistierte.', 58), reading('Assistierte.', 88)], known)).toEqual(reading('Assistierte', 97));
    // Not for a non-word, whose agreeing readings take the lowest confidence ("USBZ." read twice would sink "USBZ").
    expect(chooseReading(reading('USBZ', 78), [reading('USBZ.', 40), reading('USBZ.', 35)], known)).toEqual(reading('USBZ', 78));
    // Not where the page read a mark itself: a reading without it is another extent, weighed as before.
    expect(chooseReading(reading('_Benachteiligte', 40), [reading('Benachteiligte', 91), reading('Benachteiligte.', 44)], known)).toEqual(reading('Benachteiligte', 91));
  });

  it('drops a closing mark the page read before a word, which no word begins with', () => {
    expect(chooseReading(reading(']Jugendwerkstatt', 19), [reading('Jugendwerkstatt', 87), reading('Jugendwerkstatt', 89)], known)).toEqual(reading('Jugendwerkstatt', 98));
    expect(chooseReading(reading('_Benachteiligte', 40), [reading('Benachteiligte', 91), reading('_ Benachteiligte', 44)], () => false)).toEqual(reading('Benachteiligte', 91));
    expect(chooseReading(reading('„Coaching', 30), [reading('Coaching', 96), reading('Coaching', 95)], () => false)).toEqual(reading('„Coaching', 30));
  });

  it('asks the lexicon about each reading as the one word it is weighed as', () => {
    expect(textsToLookUp([
      { first: ' Jugend', rereads: [reading('J ugend', 91), reading('Jugend', 90)] },
      { first: 'Kompetenzagentur', rereads: [reading('Kompetenzagentur J', 88), reading('Kompetenzagentur', 90)] },
    ])).toEqual(['Jugend', 'Kompetenzagentur']);
  });

  it('gives a non-word the lowest confidence its readings gave it: agreement does not make a misreading right', () => {
    expect(chooseReading(reading('Aleinerziehende', 85), [reading('Aleinerziehende', 91), reading('Aleinerziehende', 93)], known)).toEqual(reading('Aleinerziehende', 85));
  });

  it('makes a known word of six letters or more that readings agree on as sure as all of them together', () => {
    // Wrong only if every reading is: 1 − (1 − 0.36)(1 − 0.40)(1 − 0.45) = 0.79.
    expect(chooseReading(reading('Assistierte', 36), [reading('Assistierte', 40), reading('Assistierte', 45)], known)).toEqual(reading('Assistierte', 78));
    expect(chooseReading(reading('Jugend', 39), [reading('Jugend', 92), reading('Jugend', 90)], known)).toEqual(reading('Jugend', 99));
    expect(chooseReading(reading('bleiben', 69), [reading('hleiben', 83), reading('bleiben', 63)], known)).toEqual(reading('bleiben', 88));
  });

  it('gives a known word read once, or a short one, the highest confidence any reading gave it', () => {
    expect(chooseReading(reading('Orientierung', 46), [reading('Onentierung', 60), reading('Onentierung', 58)], known)).toEqual(reading('Orientierung', 46));
    // "den" read alike three times may still be "dem": short words are misread as other short words.
    expect(chooseReading(reading('den', 40), [reading('den', 50), reading('den', 45)], (text) => text === 'den')).toEqual(reading('den', 50));
  });

  it('keeps the readings not taken, each once at its highest confidence, of the same extent as the page\'s', () => {
    // The page read "TAff" right, the crops "TAfF -": the value it stands in tells them apart, the word alone cannot.
    const rereads = [reading('TAfF -', 61), reading('TAfF -', 42)];
    expect(chooseReading(reading('TAff', 34), rereads, () => false)).toEqual(reading('TAfF', 42));
    expect(otherReadings(reading('TAff', 34), rereads, 'TAfF')).toEqual([reading('TAff', 34)]);
    expect(otherReadings(reading('FA', 42), [reading('FiA', 84), reading('FiA', 60)], 'FA')).toEqual([reading('FiA', 84)]);
    // A reading that clipped or added a letter at an end is another extent, and is not kept.
    expect(otherReadings(reading('Jugend', 11), [reading('ugend', 91), reading('Jugendl', 60)], 'Jugend')).toEqual([]);
  });

  it('lets readings that agree replace the first, and weighs by confidence alone where no reading is a known word', () => {
    expect(chooseReading(reading('Ste1gem', 72), [reading('steigem', 88), reading('steigem', 87)], () => false)).toEqual(reading('steigem', 87));
    expect(chooseReading(reading('FASY', 40), [reading('EASY', 63), reading('FASY', 77)], () => false)).toEqual(reading('FASY', 40));
  });
});

describe('thousands tesseract ran together', () => {
  /**
   * A word of digits with the gaps between them as the page shows them, each digit 20 pixels wide and 37
   * high, drawn as a ring (two bars and two stems); tesseract's boxes reach `overreach` pixels to the left.
   */
  function digits(text: string, gaps: number[], overreach = 0) {
    let x = 100;
    const marks: [number, number, number, number][] = [];
    const symbols = [...text].map((digit, index) => {
      marks.push([x, 10, 20, 3], [x, 44, 20, 3], [x, 10, 3, 37], [x + 17, 10, 3, 37]);
      const bbox = { x0: x - (index > 0 ? overreach : 0), x1: x + 20, y0: 10, y1: 47 };
      x += 20 + (gaps[index] ?? 0);
      return { text: digit, bbox };
    });
    const word = { text, confidence: 94, x0: 100, x1: x - (gaps.at(-1) ?? 0), y0: 10, y1: 47 };
    return { word, symbols, page: greyPage(400, 60, marks) };
  }

  it('are split where the page shows the gaps at every thousands position', () => {
    const { word, symbols, page } = digits('4287572', [14, 6, 7, 14, 6, 6]);
    expect(splitDigitGroups(word, symbols, page).map((part) => [part.text, part.x0, part.x1, part.confidence])).toEqual([
      ['4', 100, 120],
      ['287', 134, 207],
      ['572', 221, 293],
    ].map(([text, x0, x1]) => [text, x0, x1, 94]));
  });

  it('are measured on the page, not by tesseract\'s boxes, which may reach over a thousands gap', () => {
    const { word, symbols, page } = digits('2610291', [12, 1, 2, 12, 2, 1], 14);
    expect(splitDigitGroups(word, symbols, page).map((part) => part.text)).toEqual(['2', '610', '291']);
  });

  it('are measured between the digits\' ink where each stands apart, whatever box tesseract gave a digit, and found by the digits\' pitch where a narrow 1 leaves wide blanks', () => {
    // "1 532 211 €" on a 300 dpi scan, its digits' ink as the page showed it: the 1s narrower than the
    // others, and the boxes of the second 2 and the 1 after it beginning a gap early.
    const ink = [[1150, 1168], [1185, 1207], [1214, 1237], [1243, 1265], [1280, 1302], [1311, 1329], [1340, 1359]].map(([left, right]) => [left! - 1050, right! - 1050] as const);
    const boxes = [[1149, 1168], [1185, 1208], [1214, 1237], [1242, 1265], [1266, 1292], [1280, 1331], [1340, 1359]].map(([left, right]) => [left! - 1050, right! - 1050] as const);
    const page = greyPage(400, 60, ink.flatMap(([left, right]): [number, number, number, number][] => [[left, 10, right - left, 3], [left, 40, right - left, 3], [left, 10, 3, 33], [right - 3, 10, 3, 33]]));
    const symbols = [...'1532211'].map((digit, index) => ({ text: digit, bbox: { x0: boxes[index]![0], x1: boxes[index]![1], y0: 10, y1: 43 } }));
    const word = { text: '1532211', confidence: 95, x0: 99, x1: 309, y0: 10, y1: 43 };
    expect(splitDigitGroups(word, symbols, page).map((part) => part.text)).toEqual(['1', '532', '211']);
  });

  it('are measured up to the next word, where tesseract\'s box of the last digit reaches into it', () => {
    // "2 485 277 €" on a 300 dpi scan: the box of the last 7, and the word's, ran on over the "€", whose
    // ink, counted as a ninth glyph, hid the digits' own gaps (unseen set 33000001).
    const ink = [[1068, 1094], [1111, 1141], [1147, 1175], [1182, 1209], [1227, 1253], [1262, 1289], [1296, 1324], [1345, 1376]].map(([left, right]) => [left! - 1000, right! - 1000] as const);
    const boxes = [[1068, 1094], [1111, 1141], [1147, 1175], [1182, 1210], [1227, 1254], [1261, 1289], [1296, 1376]].map(([left, right]) => [left! - 1000, right! - 1000] as const);
    const page = greyPage(400, 60, ink.flatMap(([left, right]): [number, number, number, number][] => [[left, 10, right - left, 3], [left, 47, right - left, 3], [left, 10, 3, 40], [right - 3, 10, 3, 40]]));
    const symbols = [...'2485277'].map((digit, index) => ({ text: digit, bbox: { x0: boxes[index]![0], x1: boxes[index]![1], y0: 10, y1: 50 } }));
    const word = { text: '2485277', confidence: 96, x0: 68, x1: 376, y0: 10, y1: 50 };
    expect(splitDigitGroups(word, symbols, page, 343).map((part) => [part.text, part.x0, part.x1])).toEqual([
      ['2', 68, 94],
      ['485', 111, 210],
      ['277', 227, 343],
    ]);
  });

  it('stay one word where the digits are evenly set, or only one gap is wide, or it is no run of five digits', () => {
    const split = (text: string, gaps: number[]) => {
      const { word, symbols, page } = digits(text, gaps);
      return splitDigitGroups(word, symbols, page).map((part) => part.text);
    };
    expect(split('4287572', [7, 6, 7, 8, 6, 6])).toEqual(['4287572']);
    expect(split('4287572', [14, 6, 7, 7, 6, 6])).toEqual(['4287572']);
    expect(split('2023', [14, 6, 7])).toEqual(['2023']);
  });
});

describe('a letter a crop cut off', () => {
  it('is found where the word read alone lost its first or last letter, and nowhere else', () => {
    expect(clippedSide('Jugend', 'ugend')).toBe('left');
    expect(clippedSide('Beruf', 'Beru')).toBe('right');
    expect(clippedSide('Jugend', 'Jugend')).toBeUndefined();
    expect(clippedSide('Jugend', 'ugen')).toBeUndefined();
    expect(clippedSide('Berufliche', 'Berufiche')).toBeUndefined();
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
