import { describe, expect, it } from 'vitest';
import type { GreyImage } from '../../shared/ocr/preprocess.js';
import { inkBox, inkRows, rowAlong, skippedLineStrips, stripOnPage } from '../../shared/ocr/skipped-lines.js';

const WIDTH = 1000;
const HEIGHT = 600;

/** A white page with lines of "text": rows from `top` to `bottom` where every third pixel of a stretch is ink. */
function page(lines: { top: number; bottom: number; from?: number; to?: number; every?: number }[], specks: [number, number][] = []): GreyImage {
  const pixels = new Uint8Array(WIDTH * HEIGHT).fill(240);
  for (const { top, bottom, from = 100, to = 700, every = 3 } of lines) {
    for (let y = top; y < bottom; y++) for (let x = from; x < to; x += every) pixels[y * WIDTH + x] = 20;
  }
  for (const [x, y] of specks) pixels[y * WIDTH + x] = 20;
  return { width: WIDTH, height: HEIGHT, pixels };
}

const read = [
  { top: 100, bottom: 130 },
  { top: 220, bottom: 250 },
  { top: 280, bottom: 310 },
];

describe('lines tesseract skipped', () => {
  it('are strips of ink as tall and as full as a line of text that no line read covers', () => {
    const image = page([...read, { top: 160, bottom: 190 }]);
    expect(skippedLineStrips(image, read)).toEqual([{ top: 160, bottom: 190 }]);
  });

  it('are found in the rows between two lines read that stand less than two lines apart, where the rows around each hold most of the lost one', () => {
    const tight = [
      { top: 100, bottom: 130 },
      { top: 156, bottom: 186 },
      { top: 280, bottom: 310 },
    ];
    const image = page([...tight, { top: 131, bottom: 155 }]);
    expect(skippedLineStrips(image, tight)).toEqual([{ top: 131, bottom: 155 }]);
    // Descenders and accents of the lines read, in the rows between them, are no line.
    expect(skippedLineStrips(page([...tight, { top: 131, bottom: 135, every: 20 }, { top: 151, bottom: 155, every: 20 }]), tight)).toEqual([]);
    // Its ascenders inside the box of the line above, only its x-height shows between them: half a line is enough there.
    const closer = [
      { top: 100, bottom: 130 },
      { top: 146, bottom: 176 },
      { top: 280, bottom: 310 },
    ];
    expect(skippedLineStrips(page([...closer, { top: 126, bottom: 146 }]), closer)).toEqual([{ top: 130, bottom: 146 }]);
  });

  it('are no specks, no rule, nothing far taller than a line, and nothing where no line was read to measure by', () => {
    const specks: [number, number][] = Array.from({ length: 300 }, (_, index) => [(index * 37) % WIDTH, 400 + ((index * 11) % 150)]);
    // A rule two rows high, and a block of ink four lines tall (a picture, a stamp in black).
    const image = page([...read, { top: 160, bottom: 162, every: 1 }, { top: 330, bottom: 450 }], specks);
    expect(skippedLineStrips(image, read)).toEqual([]);
    expect(skippedLineStrips(page([{ top: 160, bottom: 190 }]), [])).toEqual([]);
  });

  it('are a short word too, if its ink is that of a few words', () => {
    // "Landrat" alone under a name: a fifth of the column, set dense.
    const image = page([...read, { top: 160, bottom: 190, from: 100, to: 260, every: 1 }]);
    expect(skippedLineStrips(image, read)).toEqual([{ top: 160, bottom: 190 }]);
    // Two letters' worth is no line.
    expect(skippedLineStrips(page([...read, { top: 160, bottom: 190, from: 100, to: 110, every: 1 }]), read)).toEqual([]);
  });

  it('are none on a page with more such strips than skipped lines would make: dirt, not text', () => {
    const strips = Array.from({ length: 7 }, (_, index) => ({ top: 330 + index * 38, bottom: 355 + index * 38 }));
    expect(skippedLineStrips(page([...read, ...strips]), read)).toEqual([]);
  });
});

describe('lines tesseract skipped on a page scanned askew', () => {
  // Lines fall 0.06 rows per column: 36 rows over the 600 columns of a long line, more than a line's gap.
  const slope = 0.06;
  /** A page with lines run along `slope`: each `top` and `bottom` is where the line crosses the middle column. */
  function askew(lines: { top: number; bottom: number; from?: number; to?: number; every?: number }[]): GreyImage {
    const pixels = new Uint8Array(WIDTH * HEIGHT).fill(240);
    for (const { top, bottom, from = 100, to = 700, every = 3 } of lines) {
      for (let x = from; x < to; x += every) {
        const shift = Math.round(slope * (x - WIDTH / 2));
        for (let y = top + shift; y < bottom + shift; y++) pixels[y * WIDTH + x] = 20;
      }
    }
    return { width: WIDTH, height: HEIGHT, pixels };
  }
  const long = [
    { top: 200, bottom: 230 },
    { top: 300, bottom: 330 },
  ];
  // A short line (a project's last words) right under the first long line, at its left end.
  const short = { top: 240, bottom: 268, from: 100, to: 260 };

  it('are found in rows along the slope, where the rows of the page hide them inside the long line above', () => {
    const image = askew([...long, short]);
    // Each line read covers the page's rows it crosses, 36 more than its height.
    const pageRows = long.map(({ top, bottom }) => ({ top: top + Math.round(slope * (100 - WIDTH / 2)), bottom: bottom + Math.round(slope * (700 - WIDTH / 2)) }));
    expect(skippedLineStrips(image, pageRows)).toEqual([]);
    expect(skippedLineStrips(image, long, slope)).toEqual([{ top: 240, bottom: 268 }]);
    expect(rowAlong(slope, WIDTH, 100, 240 + Math.round(slope * (100 - WIDTH / 2)))).toBe(240);
  });

  it('lie on the page at the columns of their words, not of the sparse ink of the line above left in the strip, with the rows they cross there', () => {
    // Descenders of the long line above, narrow runs far apart, fall into the strip's rows.
    const descenders = [420, 520, 620].map((from) => ({ top: 240, bottom: 250, from, to: from + 6, every: 1 }));
    const image = askew([...long, short, ...descenders]);
    const strip = stripOnPage(image, { top: 240, bottom: 268 }, slope);
    expect([strip.left, strip.right]).toEqual([100, 260]);
    // The rows the strip crosses over those columns, and a third of its height above and below for its ascenders.
    expect([strip.top, strip.bottom]).toEqual([240 - 24 - 8, Math.ceil(268 - 14.4) + 8]);
    // Its box read alone: its rows, blank outside its columns.
    const box = inkBox(image, strip);
    const header = `P5\n${WIDTH} ${strip.bottom - strip.top}\n255\n`;
    const row = [...box.subarray(header.length + 10 * WIDTH, header.length + 11 * WIDTH)];
    expect(row.slice(0, 100).every((pixel) => pixel === 255) && row.slice(260).every((pixel) => pixel === 255)).toBe(true);
    expect(row.slice(100, 260).some((pixel) => pixel === 0)).toBe(true);
  });
});

describe('a skipped line as it is read again', () => {
  it('is its rows in black and white, ink as the strips are found by: grey at 127 and darker black, the paper and a light grey white', () => {
    const pixels = new Uint8Array(4 * 3).fill(240);
    pixels.set([20, 127, 128, 200], 4);
    const image = inkRows({ width: 4, height: 3, pixels }, 1, 3);
    const header = 'P5\n4 2\n255\n';
    expect(image.subarray(0, header.length).toString('latin1')).toBe(header);
    expect([...image.subarray(header.length)]).toEqual([0, 0, 255, 255, 255, 255, 255, 255]);
  });
});
