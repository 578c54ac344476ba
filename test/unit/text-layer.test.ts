import { describe, expect, it } from 'vitest';
import { assembleLines, type TextItem, withDrawnBullets } from '../../shared/pdf/text-layer.js';

/** A text item at (x, y) in PDF user space (y up), each character `advance` points wide. */
const item = (str: string, x: number, y: number, advance = 5, hasEOL = false): TextItem => ({
  str,
  transform: [10, 0, 0, 10, x, y],
  width: str.length * advance,
  height: 10,
  hasEOL,
});
/** A4 page: the viewport turns y down. */
const toViewport = (x: number, y: number): [number, number] => [x, 842 - y];

describe('the text layer with positions', () => {
  it('breaks lines where the baseline moves and tells where each word starts and the line ends', () => {
    const lines = assembleLines([item('1.', 60, 700), item('Ausbildungs', 80, 700), item('vorbereitung', 135, 700), item('Jugendwerkstatt Nord', 100, 686)], toViewport);
    expect(lines.map((line) => line.text)).toEqual(['1.\tAusbildungsvorbereitung', 'Jugendwerkstatt Nord']);
    expect(lines[0]?.geometry.words.map((word) => word.left)).toEqual([60, 80]);
    expect(lines[0]?.geometry.endX).toBe(195);
    // The second word of an item is placed by its characters' share of the item's width.
    expect(lines[1]?.geometry.words.map((word) => word.left)).toEqual([100, 180]);
    expect(lines[1]?.geometry.endX).toBe(200);
  });

  it('separates cells that a wide gap splits, and keeps items that touch in one word', () => {
    const lines = assembleLines([item('Wiesbaden, den 2.8.2025', 60, 300), item('Hofheim, den 18.08.2025', 320, 300)], toViewport);
    expect(lines.map((line) => line.text)).toEqual(['Wiesbaden, den 2.8.2025\tHofheim, den 18.08.2025']);
    expect(lines[0]?.geometry.words.map((word) => word.left)).toEqual([60, 115, 135, 320, 365, 385]);
  });

  it('ends a line where an item says so, and does not start an empty one for it', () => {
    const lines = assembleLines([item('Präambel', 250, 760, 5, true), item('Erfolgreiche', 60, 740), item(' ', 120, 740, 5, true), item('Politik', 60, 726)], toViewport);
    expect(lines.map((line) => line.text)).toEqual(['Präambel', 'Erfolgreiche ', 'Politik']);
    expect(lines.map((line) => line.geometry.words.map((word) => word.left)[0])).toEqual([250, 60, 60]);
  });
});

describe('bullets drawn as shapes', () => {
  const lines = assembleLines([item('1. Ausbildungsvorbereitung', 60, 700), item('Jugendwerkstatt Nord', 100, 686), item('Wiesbaden', 60, 600)], toViewport);

  it('become a bullet glyph before the line whose first word they stand left of, at their place', () => {
    // A disc 3.5 points across, 6 points left of the project, on its line (baseline at y 156 down the page).
    const marked = withDrawnBullets(lines, [{ x0: 90.5, y0: 150, x1: 94, y1: 153.5 }]);
    expect(marked.map((line) => line.text)).toEqual(['1. Ausbildungsvorbereitung', '• Jugendwerkstatt Nord', 'Wiesbaden']);
    expect(marked[1]?.geometry.words.map((word) => word.text)).toEqual(['•', 'Jugendwerkstatt', 'Nord']);
    expect(marked[1]?.geometry.words.map((word) => word.left)).toEqual([90.5, 100, 180]);
  });

  it('are not rules, boxes, shapes far from a word or on another line', () => {
    const shapes = [
      { x0: 60, y0: 150, x1: 94, y1: 151 },
      { x0: 80, y0: 140, x1: 95, y1: 158 },
      { x0: 40, y0: 150, x1: 43.5, y1: 153.5 },
      { x0: 90.5, y0: 170, x1: 94, y1: 173.5 },
    ];
    expect(withDrawnBullets(lines, shapes).map((line) => line.text)).toEqual(['1. Ausbildungsvorbereitung', 'Jugendwerkstatt Nord', 'Wiesbaden']);
  });
});
