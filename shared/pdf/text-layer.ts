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

/**
 * A word as its reader read it: where it lies on the page (left, top, right, bottom, in the reader's
 * unit, origin at the page's top-left corner) and how surely it was read, from 0 to 1 (1 for a text
 * layer). Top and bottom are NaN where the reader does not know them.
 */
export interface PlacedWord {
  text: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
  confidence: number;
  /**
   * The other readings OCR gave the word, of the same extent, with their confidences (0–1), where it read
   * the word more than once and not always alike: the extraction weighs them against what a word read
   * alone cannot show, the value it stands in (see `acronymReadingsSpelledOut`).
   */
  readings?: WordReading[];
}

/** One reading of a word: its text, and how surely it was read, on the scale of its reader (tesseract's 0–100 until a page is done, 0–1 after). */
export interface WordReading {
  text: string;
  confidence: number;
}

/** Where a line's words lie on the page, in points from its top-left corner. */
export interface LineGeometry {
  /** The line's whitespace-separated words as read, before any clean-up, in reading order. */
  words: PlacedWord[];
  /** Where the line's last word ends; NaN where it cannot be measured against a right edge (a scan). */
  endX: number;
  /**
   * The page the line is on (0-based), where the document's lines are read together: positions compare
   * only within a page, since a scanner shifts each sheet by its own few millimetres.
   */
  page?: number;
  /** The line was read by OCR (where the extraction reads the document's lines together). */
  readByOcr?: boolean;
}

export interface TextLine {
  text: string;
  geometry: LineGeometry;
  /** The baseline of the line's first word and the line's tallest item (points, y growing down the page). */
  baseline: number;
  height: number;
}

/** pdf-parse's defaults, which the rest of the extraction was built on. */
const LINE_THRESHOLD = 4.6;
const CELL_THRESHOLD = 7;
export const CELL_SEPARATOR = '\t';
/** How far below the baseline a line's letters reach (g, p, y), as a share of the font size. */
const DESCENT = 0.25;

export function assembleLines(items: readonly TextItem[], toViewport: (x: number, y: number) => [number, number]): TextLine[] {
  // The page text, and for each of its characters the x it starts at and its width (NaN and 0 for
  // inserted line breaks).
  let text = '';
  const charX: number[] = [];
  const charWidth: number[] = [];
  const charY: number[] = [];
  const charHeight: number[] = [];
  const push = (piece: string, x: number, advance: number, y = Number.NaN, height = 0) => {
    for (let index = 0; index < piece.length; index++) {
      charX.push(x + index * advance);
      charWidth.push(advance);
      charY.push(y);
      charHeight.push(height);
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
    if (separatorX !== undefined) push(CELL_SEPARATOR, separatorX, 0, y, item.height);
    push(item.str, x, advance, y, item.height);
    lastX = x + item.width;
    lastY = y;
    lineHeight = Math.max(lineHeight, item.height);
    if (item.hasEOL) push('\n', Number.NaN, 0);
    if (item.hasEOL || item.str.endsWith('\n')) lineHeight = 0;
  }

  const lines: TextLine[] = [];
  let start = 0;
  for (const line of text.split('\n')) {
    const words: PlacedWord[] = [];
    let endX = Number.NaN;
    let baseline = Number.NaN;
    let height = 0;
    for (const word of line.matchAll(/\S+/g)) {
      const first = start + (word.index ?? 0);
      const last = first + word[0].length - 1;
      const right = (charX[last] ?? Number.NaN) + (charWidth[last] ?? 0);
      let wordBaseline = Number.NaN;
      let wordHeight = 0;
      for (let index = first; index <= last; index++) {
        wordHeight = Math.max(wordHeight, charHeight[index] ?? 0);
        if (Number.isNaN(wordBaseline)) wordBaseline = charY[index] ?? Number.NaN;
      }
      words.push({
        text: word[0],
        left: charX[first] ?? Number.NaN,
        right,
        // The glyphs rise about a font size above the baseline and descend a quarter of one below it.
        top: wordBaseline - wordHeight,
        bottom: wordBaseline + wordHeight * DESCENT,
        confidence: 1,
      });
      endX = right;
      if (Number.isNaN(baseline)) baseline = charY[first] ?? Number.NaN;
      height = Math.max(height, wordHeight);
    }
    lines.push({ text: line, geometry: { words, endX }, baseline, height });
    start += line.length + 1;
  }
  return lines;
}

/** A box on the page, in points, y growing down (the viewport's orientation). */
export interface PageBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Drawn list bullets are small and round or square: a few points across, about as wide as high. */
function looksLikeBullet(box: PageBox): boolean {
  const width = box.x1 - box.x0;
  const height = box.y1 - box.y0;
  return width >= 1.5 && height >= 1.5 && width <= 8 && height <= 8 && width <= 1.6 * height && height <= 1.6 * width;
}
/** How far left of a line's first word its bullet may stand (points). */
const BULLET_REACH = 20;

/**
 * Gives each line the bullet that is drawn, not typed, before its first word (HTML lists printed by a
 * browser draw their discs and circles as shapes): a bullet glyph at the shape's place, as if typed.
 * `shapes` are the page's filled or stroked paths.
 */
export function withDrawnBullets(lines: readonly TextLine[], shapes: readonly PageBox[]): TextLine[] {
  const bullets = shapes.filter(looksLikeBullet);
  if (bullets.length === 0) return [...lines];
  return lines.map((line) => {
    const first = line.geometry.words[0]?.left;
    if (first === undefined || !Number.isFinite(line.baseline) || line.height <= 0) return line;
    const bullet = bullets.find((box) => {
      const middle = (box.y0 + box.y1) / 2;
      return box.x1 <= first && box.x1 >= first - BULLET_REACH && middle <= line.baseline && middle >= line.baseline - line.height;
    });
    if (!bullet) return line;
    return {
      ...line,
      text: `• ${line.text}`,
      geometry: {
        ...line.geometry,
        words: [{ text: '•', left: bullet.x0, top: bullet.y0, right: bullet.x1, bottom: bullet.y1, confidence: 1 }, ...line.geometry.words],
      },
    };
  });
}
