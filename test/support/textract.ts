import type { Block } from '@aws-sdk/client-textract';
import type { PdfPageText } from '../../shared/pdf/document.js';

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

/**
 * What a perfect Textract reading of a digital document's pages returns: for each cell of each line of
 * the text layer a LINE, with a WORD per word, each with its bounding box in shares of the page, as
 * Textract reports them.
 */
export function textractPagesFromText(pages: readonly PdfPageText[]): Block[] {
  const blocks: Block[] = [];
  for (const page of pages) {
    const lineIds: string[] = [];
    page.lines.forEach((line, index) => {
      const words = [...(page.geometry[index]?.words ?? [])];
      for (const cell of line.split('\t')) {
        const count = cell.split(/\s+/).filter(Boolean).length;
        const cellWords = words.splice(0, count);
        if (cellWords.length === 0) continue;
        const wordIds = cellWords.map((word) => {
          const id = `word-${++nextId}`;
          const box = { Left: word.left / page.size.width, Top: word.top / page.size.height, Width: (word.right - word.left) / page.size.width, Height: (word.bottom - word.top) / page.size.height };
          blocks.push({ BlockType: 'WORD', Id: id, Page: page.number, Text: word.text, TextType: 'PRINTED', Confidence: 99.1, Geometry: { BoundingBox: box, Polygon: [] } });
          return id;
        });
        const lineId = `line-${++nextId}`;
        lineIds.push(lineId);
        const left = Math.min(...cellWords.map((word) => word.left));
        const top = Math.min(...cellWords.map((word) => word.top));
        const box = {
          Left: left / page.size.width,
          Top: top / page.size.height,
          Width: (Math.max(...cellWords.map((word) => word.right)) - left) / page.size.width,
          Height: (Math.max(...cellWords.map((word) => word.bottom)) - top) / page.size.height,
        };
        blocks.push({ BlockType: 'LINE', Id: lineId, Page: page.number, Text: cellWords.map((word) => word.text).join(' '), Confidence: 98.4, Geometry: { BoundingBox: box, Polygon: [] }, Relationships: [{ Type: 'CHILD', Ids: wordIds }] });
      }
    });
    blocks.push({ BlockType: 'PAGE', Id: `page-${++nextId}`, Page: page.number, Geometry: { BoundingBox: { Left: 0, Top: 0, Width: 1, Height: 1 }, Polygon: [] }, Relationships: [{ Type: 'CHILD', Ids: lineIds }] });
  }
  return blocks;
}
