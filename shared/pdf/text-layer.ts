/**
 * A page's text layer as lines, with where each word of a line starts on the page.
 *
 * The lines are assembled exactly as pdf-parse assembles them (same thresholds, the same rules for line
 * and cell breaks), so the text is what pdf-parse's `getText` gives; pdf-parse does not expose the
 * positions, though, and a list whose bullets are drawn as shapes rather than typed can only be read
 * with them: a project and the wrapped second line of a measure title differ only in their indent.
 */

/** The part of a pdf.js text content item this needs. */
export interface TextItem {
  str: string;
  /** pdf.js's text matrix: [a, b, c, d, e, f], e and f the origin in PDF user space. */
  transform: number[];
  width: number;
  height: number;
  hasEOL: boolean;
}

/** Where a line's words lie on the page, in points from its left edge. */
export interface LineGeometry {
  /** The line's whitespace-separated words as read, before any clean-up. */
  words: string[];
  /** Where each of `words` starts. */
  wordX: number[];
  /** Where the line's last word ends. */
  endX: number;
}

export interface TextLine {
  text: string;
  geometry: LineGeometry;
}

/** pdf-parse's defaults, which the rest of the extraction was built on. */
const LINE_THRESHOLD = 4.6;
const CELL_THRESHOLD = 7;
export const CELL_SEPARATOR = '\t';

export function assembleLines(items: readonly TextItem[], toViewport: (x: number, y: number) => [number, number]): TextLine[] {
  // The page text, and for each of its characters the x it starts at and its width (NaN and 0 for
  // inserted line breaks).
  let text = '';
  const charX: number[] = [];
  const charWidth: number[] = [];
  const push = (piece: string, x: number, advance: number) => {
    for (let index = 0; index < piece.length; index++) {
      charX.push(x + index * advance);
      charWidth.push(advance);
    }
    text += piece;
  };
  let lastX: number | undefined;
  let lastY: number | undefined;
  let lineHeight = 0;
  for (const item of items) {
    const [x, y] = toViewport(item.transform[4] ?? 0, item.transform[5] ?? 0);
    let piece = item.str;
    if (lastY !== undefined && Math.abs(lastY - y) > LINE_THRESHOLD) {
      const startsLine = piece.startsWith('\n') || (piece.trim() === '' && item.hasEOL);
      if (text.length > 0 && !text.endsWith('\n') && !startsLine && Math.abs(lastY - y) - 1 > lineHeight) {
        push('\n', Number.NaN, 0);
        lineHeight = 0;
      }
    }
    let separatorX: number | undefined;
    if (lastY !== undefined && Math.abs(lastY - y) < LINE_THRESHOLD && lastX !== undefined && Math.abs(lastX - x) > CELL_THRESHOLD) {
      separatorX = x;
      piece = `${CELL_SEPARATOR}${piece}`;
    }
    const advance = item.str.length > 0 ? item.width / item.str.length : 0;
    if (separatorX !== undefined) push(CELL_SEPARATOR, separatorX, 0);
    push(item.str, x, advance);
    lastX = x + item.width;
    lastY = y;
    lineHeight = Math.max(lineHeight, item.height);
    if (item.hasEOL) push('\n', Number.NaN, 0);
    if (item.hasEOL || item.str.endsWith('\n')) lineHeight = 0;
  }

  const lines: TextLine[] = [];
  let start = 0;
  for (const line of text.split('\n')) {
    const words: string[] = [];
    const wordX: number[] = [];
    let endX = Number.NaN;
    for (const word of line.matchAll(/\S+/g)) {
      const first = start + (word.index ?? 0);
      const last = first + word[0].length - 1;
      words.push(word[0]);
      wordX.push(charX[first] ?? Number.NaN);
      endX = (charX[last] ?? Number.NaN) + (charWidth[last] ?? 0);
    }
    lines.push({ text: line, geometry: { words, wordX, endX } });
    start += line.length + 1;
  }
  return lines;
}
