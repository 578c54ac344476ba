import type { GreyImage } from './preprocess.js';

/**
 * Capital umlauts that tesseract lost: it cuts a text line just above its capitals, so the dots of an
 * Ä, Ö or Ü often fall outside what it reads ("Übergang" comes out as "Ubergang"). The page still shows
 * them; where it shows a diaeresis above an A, O or U, the letter gets its umlaut back.
 */

export interface LetterBox {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** A capital that could carry an umlaut: its index in the word's text and its box on the page. */
export interface CapitalBox extends LetterBox {
  index: number;
}

const UMLAUTS: Record<string, string> = { A: 'Ä', O: 'Ö', U: 'Ü' };

/**
 * The letters of a word that `wanted` picks, by their index in its text, with their boxes in page
 * coordinates (symbol boxes are relative to the band read, which starts at `top`).
 */
export function letterBoxes(
  symbols: readonly { text: string; bbox: LetterBox }[],
  top: number,
  wanted: (letter: string) => boolean,
): CapitalBox[] | undefined {
  const boxes: CapitalBox[] = [];
  let index = 0;
  for (const symbol of symbols) {
    if (wanted(symbol.text)) boxes.push({ index, x0: symbol.bbox.x0, x1: symbol.bbox.x1, y0: top + symbol.bbox.y0, y1: top + symbol.bbox.y1 });
    index += symbol.text.length;
  }
  return boxes.length ? boxes : undefined;
}

/** The capitals A, O and U of a word, by their index in its text, with their boxes in page coordinates. */
export function umlautCapitals(symbols: readonly { text: string; bbox: LetterBox }[], top: number): CapitalBox[] | undefined {
  return letterBoxes(symbols, top, (letter) => letter in UMLAUTS);
}

/** Gives each A, O or U of the word with a diaeresis above it on the page its umlaut. */
export function restoreCapitalUmlauts(page: GreyImage, word: { text: string; capitals?: readonly CapitalBox[] }): void {
  for (const capital of word.capitals ?? []) {
    const umlaut = UMLAUTS[word.text[capital.index] ?? ''];
    if (umlaut && hasDiaeresisAbove(page, capital)) {
      word.text = word.text.slice(0, capital.index) + umlaut + word.text.slice(capital.index + 1);
    }
  }
}

/** Dark for the umlaut dots: the page is grey, print is near black. */
const INK = 128;

/**
 * True when the band above a capital's box holds exactly two small marks of about equal size, side by side,
 * within the letter's width and close above it, and nothing else but what reaches in from the line above.
 */
export function hasDiaeresisAbove(page: GreyImage, letter: LetterBox): boolean {
  const height = letter.y1 - letter.y0;
  const width = letter.x1 - letter.x0;
  if (height < 12 || width < 6) return false;
  const side = Math.ceil(0.15 * height);
  const left = Math.max(0, Math.floor(letter.x0) - side);
  const right = Math.min(page.width, Math.ceil(letter.x1) + side);
  const bottom = Math.floor(letter.y0);
  const top = Math.max(0, bottom - Math.ceil(0.45 * height));
  if (bottom - top < 4 || right - left < 4) return false;
  const regionWidth = right - left;
  const seen = new Uint8Array(regionWidth * (bottom - top));
  const marks: { x0: number; x1: number; y0: number; y1: number; area: number }[] = [];
  for (let y = top; y < bottom; y++) {
    for (let x = left; x < right; x++) {
      const at = (y - top) * regionWidth + (x - left);
      if (seen[at] || (page.pixels[y * page.width + x] ?? 255) >= INK) continue;
      // Flood fill one mark, 8-connected, inside the band.
      const mark = { x0: x, x1: x, y0: y, y1: y, area: 0 };
      const stack = [x, y];
      seen[at] = 1;
      while (stack.length) {
        const py = stack.pop()!;
        const px = stack.pop()!;
        mark.area++;
        mark.x0 = Math.min(mark.x0, px);
        mark.x1 = Math.max(mark.x1, px);
        mark.y0 = Math.min(mark.y0, py);
        mark.y1 = Math.max(mark.y1, py);
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const nx = px + dx;
            const ny = py + dy;
            if (nx < left || nx >= right || ny < top || ny >= bottom) continue;
            const next = (ny - top) * regionWidth + (nx - left);
            if (seen[next] || (page.pixels[ny * page.width + nx] ?? 255) >= INK) continue;
            seen[next] = 1;
            stack.push(nx, ny);
          }
        }
      }
      // What reaches in from above is the line above (descenders, underlines); what is cut at the sides
      // belongs to something wider than a dot.
      if (mark.y0 === top) continue;
      if (mark.x0 === left || mark.x1 === right - 1) return false;
      // Specks of a pixel or two are scanner noise, not marks.
      if (mark.area > 2) marks.push(mark);
      if (marks.length > 2) return false;
    }
  }
  if (marks.length !== 2) return false;
  const [a, b] = (marks as [(typeof marks)[0], (typeof marks)[0]]).sort((m, n) => m.x0 - n.x0);
  const dotLike = (m: typeof a) => {
    const w = m.x1 - m.x0 + 1;
    const h = m.y1 - m.y0 + 1;
    return w >= 0.06 * height && h >= 0.06 * height && w <= 0.3 * height && h <= 0.3 * height && w <= 2 * h && h <= 2 * w;
  };
  const middle = (m: typeof a) => ({ x: (m.x0 + m.x1) / 2, y: (m.y0 + m.y1) / 2 });
  return (
    dotLike(a) && dotLike(b) &&
    Math.max(a.area, b.area) <= 2.5 * Math.min(a.area, b.area) &&
    Math.abs(middle(a).y - middle(b).y) <= 0.12 * height &&
    b.x0 - a.x1 >= 0.08 * height &&
    middle(a).x >= letter.x0 && middle(b).x <= letter.x1 &&
    Math.abs((middle(a).x + middle(b).x) / 2 - (letter.x0 + letter.x1) / 2) <= 0.25 * width &&
    bottom - Math.max(a.y1, b.y1) <= 0.3 * height
  );
}
