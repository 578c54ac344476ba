import type { Block } from '@aws-sdk/client-textract';

/** Blocks in Textract's own shape: PAGE with CHILD relationships, LINE and WORD with geometry and confidence. */
let nextId = 0;
export function textractPage(pageNumber: number, lines: [text: string, left: number, top: number][]): Block[] {
  const blocks: Block[] = [];
  const lineIds: string[] = [];
  for (const [text, left, top] of lines) {
    const lineId = `line-${++nextId}`;
    lineIds.push(lineId);
    const wordIds: string[] = [];
    let wordLeft = left;
    for (const word of text.split(' ')) {
      const wordId = `word-${++nextId}`;
      wordIds.push(wordId);
      const width = word.length * 0.008;
      blocks.push({
        BlockType: 'WORD', Id: wordId, Page: pageNumber, Text: word, TextType: 'PRINTED', Confidence: 99.1,
        Geometry: { BoundingBox: { Left: wordLeft, Top: top, Width: width, Height: 0.012 }, Polygon: [{ X: wordLeft, Y: top }, { X: wordLeft + width, Y: top }, { X: wordLeft + width, Y: top + 0.012 }, { X: wordLeft, Y: top + 0.012 }] },
      });
      wordLeft += width + 0.004;
    }
    blocks.push({
      BlockType: 'LINE', Id: lineId, Page: pageNumber, Text: text, Confidence: 98.4,
      Geometry: { BoundingBox: { Left: left, Top: top, Width: wordLeft - left, Height: 0.012 }, Polygon: [] },
      Relationships: [{ Type: 'CHILD', Ids: wordIds }],
    });
  }
  blocks.unshift({
    BlockType: 'PAGE', Id: `page-${pageNumber}`, Page: pageNumber,
    Geometry: { BoundingBox: { Left: 0, Top: 0, Width: 1, Height: 1 }, Polygon: [] },
    Relationships: [{ Type: 'CHILD', Ids: lineIds }],
  });
  return blocks;
}

/**
 * A page of text laid out as Textract reports it: one LINE per line, top to bottom, and the cells of
 * side-by-side columns (tab-separated in `lines`) as separate LINEs at the same height.
 */
export function textractPageFromLines(pageNumber: number, lines: readonly string[]): Block[] {
  const placed: [string, number, number][] = [];
  lines.forEach((line, row) => {
    line.split('\t').forEach((cell, column) => {
      if (cell.trim()) placed.push([cell.trim(), 0.1 + column * 0.45, 0.05 + row * 0.02]);
    });
  });
  return textractPage(pageNumber, placed);
}
