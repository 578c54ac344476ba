import type { GreyRaster, PageRaster } from '../pdf/document.js';

/**
 * Prepares a rendered page for tesseract: grey values with coloured ink dropped (`greyPage`; a page a
 * reader process sent is grey already), then a 3×3 median filter (`cleanScan`), which removes the
 * salt-and-pepper speckle of old scanners and fax copies while keeping most letter strokes. The grey
 * values go to tesseract as they are, which thresholds them itself (a global Otsu threshold here, tried
 * on a faint scan of the calibration, misread more of its body text: mean confidence 0.85 against 0.90;
 * for faint print tesseract is told to threshold locally, see `isFaintPrint`, and still reads the
 * letters from the grey values). The median also thins the hairlines of a light serif face (an "ri"
 * becomes an "n": "Onentierung"), which is why a word tesseract was unsure of is read again from the
 * unfiltered page as well (shared/ocr/tesseract.ts).
 * The result is a grey PGM, which costs nothing to encode, unlike PNG.
 */
export interface GreyImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

/** A pixel of a grey page darker than this is ink: print is near black, paper near white after the clean-up. */
export const INK = 128;

/** Whether the page's pixel at column `x`, row `y` is ink; outside the page is paper. */
export const isInk = (page: GreyImage, x: number, y: number) => (page.pixels[y * page.width + x] ?? 255) < INK;

/** Whether column `x` holds ink in any of the rows from `top` up to `bottom`. */
export function columnInked(page: GreyImage, x: number, top: number, bottom: number): boolean {
  for (let y = top; y < bottom; y++) if (isInk(page, x, y)) return true;
  return false;
}

/** The rendered page in grey, coloured ink dropped. */
export function greyPage(raster: PageRaster): GreyImage {
  const { width, height } = raster;
  return { width, height, pixels: raster.grey ?? greyForOcr(raster).grey };
}

/** The grey page with its speckle removed. */
export function cleanScan({ width, height, pixels }: GreyImage): GreyImage {
  return { width, height, pixels: median3x3(pixels, width, height) };
}

/** Grey levels darker than the paper by this much are print (or a speck, or a stamp). */
const PRINT_CONTRAST = 40;
/** Share of the print's pixels its ink level is measured at, darkest first: past the darkest specks. */
const INK_QUANTILE = 0.1;
/** Print whose ink level is lighter than this is faint: mid-grey rather than black. */
const FAINT_INK_LEVEL = 64;

/**
 * Whether the page's print is faint: the ink level of its print (the grey level a tenth of the print's
 * pixels are darker than) is mid-grey, not near black. On such a page tesseract's global (Otsu) threshold
 * loses whole lines to its page layout (a large title, centred lines) and reads specks at line ends as
 * letters, where its local (Sauvola) threshold keeps them.
 */
export function isFaintPrint({ pixels }: GreyImage): boolean {
  const histogram = new Uint32Array(256);
  for (const value of pixels) histogram[value] = (histogram[value] as number) + 1;
  let paper = 0;
  for (let level = 1; level < 256; level++) if ((histogram[level] as number) > (histogram[paper] as number)) paper = level;
  let print = 0;
  for (let level = 0; level <= paper - PRINT_CONTRAST; level++) print += histogram[level] as number;
  if (print === 0) return false;
  let seen = 0;
  for (let level = 0; level <= paper - PRINT_CONTRAST; level++) {
    seen += histogram[level] as number;
    if (seen >= print * INK_QUANTILE) return level > FAINT_INK_LEVEL;
  }
  return false;
}

/**
 * The page in grey with coloured ink dropped out, as document scanners do it: print is black, while
 * signatures (blue ink) and stamps (red) are coloured; lifting coloured pixels towards white keeps them
 * out of the text. Near-black pixels are print, even under a stamp's tint, and stay as they are.
 */
export function greyForOcr({ width, height, rgba }: { width: number; height: number; rgba: ArrayLike<number> }): GreyRaster {
  const grey = new Uint8Array(width * height);
  for (let index = 0, offset = 0; index < grey.length; index++, offset += 4) {
    const red = rgba[offset] ?? 0;
    const green = rgba[offset + 1] ?? 0;
    const blue = rgba[offset + 2] ?? 0;
    const brightest = Math.max(red, green, blue);
    const saturation = brightest - Math.min(red, green, blue);
    grey[index] = brightest > 90 ? Math.min(255, brightest + 2 * saturation) : brightest;
  }
  return { width, height, grey };
}

/** The image as a binary PGM file, the format tesseract reads the page's crops in. */
export function pgmFile({ width, height, pixels }: GreyImage): Buffer {
  return Buffer.concat([Buffer.from(`P5\n${width} ${height}\n255\n`, 'latin1'), pixels]);
}

/** Rows `top` to `bottom` (exclusive) of the image as a binary PGM file. */
export function pgmRows({ width, pixels }: GreyImage, top: number, bottom: number): Buffer {
  return pgmFile({ width, height: bottom - top, pixels: pixels.subarray(top * width, bottom * width) });
}

/** The width, height and pixels of a PGM image of this module, as `pgmFile` writes them all. */
function pgmImage(pgm: Buffer): GreyImage {
  const header = /^P5\n(\d+) (\d+)\n255\n/.exec(pgm.toString('latin1', 0, 32));
  if (!header) throw new Error('Not a PGM image of this module');
  return { width: Number(header[1]), height: Number(header[2]), pixels: pgm.subarray(header[0].length) };
}

/** A PGM image at half its width and height, each pixel the darkest of the four it stands for, so that no stroke is lost. */
export function halfSize(pgm: Buffer): Buffer {
  const { width, height, pixels } = pgmImage(pgm);
  const [halfWidth, halfHeight] = [Math.floor(width / 2), Math.floor(height / 2)];
  const half = new Uint8Array(halfWidth * halfHeight);
  for (let y = 0; y < halfHeight; y++) {
    for (let x = 0; x < halfWidth; x++) {
      const at = 2 * y * width + 2 * x;
      half[y * halfWidth + x] = Math.min(pixels[at] ?? 255, pixels[at + 1] ?? 255, pixels[at + width] ?? 255, pixels[at + width + 1] ?? 255);
    }
  }
  return pgmFile({ width: halfWidth, height: halfHeight, pixels: half });
}

/** A PGM image at twice its width and height, each pixel four times. */
export function doubleSize(pgm: Buffer): Buffer {
  return pgmFile(scaledUp(pgmImage(pgm), 2));
}

/** The image `factor` times as wide and as high, each pixel repeated: no smoothing a threshold would undo. */
export function scaledUp({ width, height, pixels }: GreyImage, factor: number): GreyImage {
  const [scaledWidth, scaledHeight] = [width * factor, height * factor];
  const scaled = new Uint8Array(scaledWidth * scaledHeight);
  for (let y = 0; y < scaledHeight; y++) {
    const source = Math.floor(y / factor) * width;
    for (let x = 0; x < scaledWidth; x++) scaled[y * scaledWidth + x] = pixels[source + Math.floor(x / factor)] ?? 255;
  }
  return { width: scaledWidth, height: scaledHeight, pixels: scaled };
}

/** 3×3 median: each pixel becomes the fifth-smallest of its neighbourhood; the border keeps its values. */
export function median3x3(source: Uint8Array, width: number, height: number): Uint8Array {
  const target = new Uint8Array(source);
  const window = new Uint8Array(9);
  for (let y = 1; y < height - 1; y++) {
    const above = (y - 1) * width;
    const here = y * width;
    const below = (y + 1) * width;
    for (let x = 1; x < width - 1; x++) {
      const centre = source[here + x] as number;
      // When five of the nine values are equal (the centre and its four direct neighbours), that value
      // is the median; on paper and inside strokes this skips the sort.
      if (
        centre === source[here + x - 1] && centre === source[here + x + 1] &&
        centre === source[above + x] && centre === source[below + x]
      ) continue;
      window[0] = source[above + x - 1] as number;
      window[1] = source[above + x] as number;
      window[2] = source[above + x + 1] as number;
      window[3] = source[here + x - 1] as number;
      window[4] = centre;
      window[5] = source[here + x + 1] as number;
      window[6] = source[below + x - 1] as number;
      window[7] = source[below + x] as number;
      window[8] = source[below + x + 1] as number;
      window.sort();
      target[here + x] = window[4] as number;
    }
  }
  return target;
}
