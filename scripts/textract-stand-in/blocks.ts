import { randomUUID } from 'node:crypto';
import type { Block, BoundingBox, Geometry } from '@aws-sdk/client-textract';
import { wordsToLine } from '../../shared/ocr/engine.js';
import type { ReadPage, ReadWord } from './read-pages.js';

/**
 * Pages as Textract's text detection returns them: for each page a PAGE block whose children are its
 * LINE blocks, each LINE with its WORD blocks as children; every block with its page number, a
 * geometry in shares of the page (a bounding box and a four-point polygon) and, for lines and words,
 * a confidence of 0–100. Like Textract, side-by-side columns are separate LINEs at the same height.
 */

function geometry(x0: number, y0: number, x1: number, y1: number, page: ReadPage): Geometry {
  const box: BoundingBox = { Width: (x1 - x0) / page.width, Height: (y1 - y0) / page.height, Left: x0 / page.width, Top: y0 / page.height };
  const [left, top, right, bottom] = [box.Left!, box.Top!, box.Left! + box.Width!, box.Top! + box.Height!];
  return { BoundingBox: box, Polygon: [{ X: left, Y: top }, { X: right, Y: top }, { X: right, Y: bottom }, { X: left, Y: bottom }] };
}

/** A line's words split where a wide gap separates two columns (the rule the OCR engines use for a tab). */
function cells(words: ReadWord[]): ReadWord[][] {
  const sorted = [...words].sort((a, b) => a.x0 - b.x0);
  const sizes = wordsToLine(sorted.map((word) => ({ ...word, height: word.y1 - word.y0 })))
    .split('\t')
    .map((cell) => cell.split(' ').length);
  let start = 0;
  return sizes.map((size) => sorted.slice(start, (start += size)));
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

export function textractBlocks(pages: readonly ReadPage[]): Block[] {
  const blocks: Block[] = [];
  pages.forEach((page, index) => {
    const pageNumber = index + 1;
    const pageBlock: Block = { BlockType: 'PAGE', Id: randomUUID(), Page: pageNumber, Geometry: geometry(0, 0, page.width, page.height, page), Relationships: [{ Type: 'CHILD', Ids: [] }] };
    const lineBlocks: Block[] = [];
    const wordBlocks: Block[] = [];
    for (const line of page.lines) {
      for (const cell of cells(line)) {
        const words = cell.map(
          (word): Block => ({
            BlockType: 'WORD',
            Id: randomUUID(),
            Page: pageNumber,
            Text: word.text,
            TextType: 'PRINTED',
            Confidence: word.confidence,
            Geometry: geometry(word.x0, word.y0, word.x1, word.y1, page),
          }),
        );
        const lineBlock: Block = {
          BlockType: 'LINE',
          Id: randomUUID(),
          Page: pageNumber,
          Text: cell.map((word) => word.text).join(' '),
          Confidence: mean(cell.map((word) => word.confidence)),
          Geometry: geometry(Math.min(...cell.map((word) => word.x0)), Math.min(...cell.map((word) => word.y0)), Math.max(...cell.map((word) => word.x1)), Math.max(...cell.map((word) => word.y1)), page),
          Relationships: [{ Type: 'CHILD', Ids: words.map((word) => word.Id!) }],
        };
        pageBlock.Relationships![0]!.Ids!.push(lineBlock.Id!);
        lineBlocks.push(lineBlock);
        wordBlocks.push(...words);
      }
    }
    if (lineBlocks.length === 0) delete pageBlock.Relationships;
    blocks.push(pageBlock, ...lineBlocks, ...wordBlocks);
  });
  return blocks;
}
