import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import pLimit, { type LimitFunction } from 'p-limit';
import type { RecognizeResult, Worker, WorkerParams } from 'tesseract.js';
import { germanWords } from '../extract/german-lexicon.js';
import type { WordLookup } from '../extract/lexicon.js';
import type { PageRaster } from '../pdf/document.js';
import type { WordReading } from '../pdf/text-layer.js';
import { type OcrEngine, type OcrPage, type OcrWord, textConfidence, wordsGeometry, wordsToLine } from './engine.js';
import { cleanScan, doubleSize, type GreyImage, greyPage, halfSize, isFaintPrint, pgmFile, pgmRows, scaledUp } from './preprocess.js';
import { capitalEsAndFs, restoreCapitalE, withStemFootEsAsF } from './capital-e.js';
import { splitDigitGroups } from './digit-groups.js';
import { chooseReading, clippedSide, otherReadings, secondReading, textsToLookUp } from './word-readings.js';
import { restoreInitialCase, type TextLine } from './letter-case.js';
import { inkBox, inkRows, rowAlong, type RowSpan, skippedLineStrips, stripOnPage } from './skipped-lines.js';
import { readsLineStart, unreadInkBefore } from './line-starts.js';
import { type EdgeMarks, edgeMarks } from './edge-marks.js';
import { type CapitalBox, restoreCapitalUmlauts, umlautCapitals } from './umlauts.js';

const resolvePackage = createRequire(import.meta.url);

/**
 * tesseract.js itself, loaded when the first worker starts. A static import would be hoisted to the top
 * of a bundle that holds this module, and so loaded by every function of the pipeline, including those
 * deployed without the package because another engine reads their scans.
 */
const tesseractJs = () => import('tesseract.js');

/** Share of the page height the two bands overlap by, so that no line is cut in both. */
const BAND_OVERLAP = 0.04;
/** The despeckled crop is enlarged by pixel repetition; the unfiltered one is read as it is. */
const REREAD_SCALE = 2;
const REREAD_MARGIN = 6;
/** tesseract's `thresholding_method`: global Otsu (its default), and Sauvola's local threshold for faint print. */
const OTSU = '0';
const SAUVOLA = '2';

/** A word as tesseract read it, in pixels of the page image; its confidence on tesseract's scale, 0–100. */
interface PageWord extends OcrWord {
  /** The capitals that take an umlaut, as the page pass read them. */
  capitals?: CapitalBox[];
  /** The capitals E and F, which tesseract confuses: their feet tell them apart. */
  efs?: CapitalBox[];
  /** Where quotation marks or blank symbols stand at its edges ("„Coaching", " Assistierte"): the marks, and the box its letters span. */
  edges?: EdgeMarks;
}

interface BandLine {
  centre: number;
  words: PageWord[];
  paragraphEnd: boolean;
  /** In page pixels. */
  baseline: TextLine['baseline'];
}

/** German LSTM model shipped by the npm package: nothing is downloaded at run time. */
function germanModelPath(): string {
  const packageJson = resolvePackage.resolve('@tesseract.js-data/deu/package.json');
  return `${packageJson.slice(0, -'package.json'.length)}4.0.0_best_int`;
}


/** The word without the marks at its edges (`edges`), where its letters lie; the word itself where it has none. */
function lettersOf(word: PageWord): PageWord {
  const { edges } = word;
  if (!edges) return word;
  return { ...word, text: edges.letters, x0: edges.x0, x1: edges.x1, y0: edges.y0, y1: edges.y1 };
}

/** Share of the word's height its crop is widened by on a side where a reading lost a letter. */
const CLIPPED_WIDENING = 0.5;

/** The word's box with a margin, enlarged `scale` times by pixel repetition, as a PGM file; `widen` adds to the margin on one side. */
function wordImage(page: GreyImage, word: PageWord, scale: number, widen?: 'left' | 'right'): Buffer {
  const extra = Math.round((word.y1 - word.y0) * CLIPPED_WIDENING);
  const left = Math.max(0, Math.floor(word.x0) - REREAD_MARGIN - (widen === 'left' ? extra : 0));
  const top = Math.max(0, Math.floor(word.y0) - REREAD_MARGIN);
  const right = Math.min(page.width, Math.ceil(word.x1) + REREAD_MARGIN + (widen === 'right' ? extra : 0));
  const bottom = Math.min(page.height, Math.ceil(word.y1) + REREAD_MARGIN);
  const crop: GreyImage = { width: right - left, height: bottom - top, pixels: new Uint8Array((right - left) * (bottom - top)) };
  for (let y = top; y < bottom; y++) crop.pixels.set(page.pixels.subarray(y * page.width + left, y * page.width + right), (y - top) * crop.width);
  return pgmFile(scaledUp(crop, scale));
}

/** The lines of a reading of the page's rows from `top` on, in page pixels. */
function linesRead(data: RecognizeResult['data'], top: number, page: GreyImage): BandLine[] {
  const lines: BandLine[] = [];
  for (const block of data.blocks ?? []) {
    for (const paragraph of block.paragraphs) {
      paragraph.lines.forEach((line, index) => {
        const words = line.words.flatMap((word, at) =>
          splitDigitGroups(
            {
              text: word.text,
              confidence: word.confidence,
              x0: word.bbox.x0,
              x1: word.bbox.x1,
              y0: top + word.bbox.y0,
              y1: top + word.bbox.y1,
              capitals: umlautCapitals(word.symbols ?? [], top),
              efs: capitalEsAndFs(word.symbols ?? [], top),
              edges: edgeMarks(word.text, word.symbols ?? [], top),
            },
            word.symbols ?? [],
            page,
            line.words[at + 1]?.bbox.x0,
          ),
        );
        const baseline = { x0: line.baseline.x0, y0: top + line.baseline.y0, x1: line.baseline.x1, y1: top + line.baseline.y1 };
        lines.push({ centre: top + (line.bbox.y0 + line.bbox.y1) / 2, words, paragraphEnd: index === paragraph.lines.length - 1, baseline });
      });
    }
  }
  return lines;
}

/**
 * The sizes a strip is read at in turn, each with the factor that brings its boxes back to the page's
 * pixels. Tesseract reads nothing at all, in any layout mode, in some clean strips whose line it reads
 * at once at another size: "dem Hessischen Sozialministerium", a title line of a 300 dpi scan heavy from
 * the scanner, at half the size; "Raum des Kreises", a project's second line on another, at double.
 */
const STRIP_SIZES = [
  { resize: (pgm: Buffer) => pgm, boxes: 1 },
  { resize: halfSize, boxes: 2 },
  { resize: doubleSize, boxes: 0.5 },
];

/**
 * The lines read in a strip of the page from `top` on (`image`, as wide as the page) that `keep` keeps,
 * at the first size of `STRIP_SIZES` where tesseract reads any.
 */
async function readStrip(pool: PageWorkers, page: GreyImage, thresholding: string, image: Buffer, top: number, keep: (line: BandLine) => boolean): Promise<BandLine[]> {
  for (const { resize, boxes } of STRIP_SIZES) {
    const { data } = await pool.recognize(resize(image), thresholding);
    const lines = linesRead(boxes === 1 ? data : scaledBoxes(data, boxes), top, page).filter(keep);
    if (lines.length > 0) return lines;
  }
  return [];
}

/** A reading of a resized image, its boxes and baselines times `factor`: in the pixels of the image as it was. */
function scaledBoxes(data: RecognizeResult['data'], factor: number): RecognizeResult['data'] {
  const box = <B extends { x0: number; y0: number; x1: number; y1: number }>(bbox: B): B => ({ ...bbox, x0: factor * bbox.x0, y0: factor * bbox.y0, x1: factor * bbox.x1, y1: factor * bbox.y1 });
  const blocks = (data.blocks ?? []).map((block) => ({
    ...block,
    paragraphs: block.paragraphs.map((paragraph) => ({
      ...paragraph,
      lines: paragraph.lines.map((line) => ({
        ...line,
        bbox: box(line.bbox),
        baseline: box(line.baseline),
        words: line.words.map((word) => ({ ...word, bbox: box(word.bbox), symbols: word.symbols?.map((symbol) => ({ ...symbol, bbox: box(symbol.bbox) })) })),
      })),
    })),
  }));
  return { ...data, blocks };
}

/** The rows each line read covers, from its words' boxes. */
function spansOf(lines: readonly BandLine[]): RowSpan[] {
  return lines
    .filter((line) => line.words.length > 0)
    .map((line) => ({ top: Math.min(...line.words.map((word) => word.y0)), bottom: Math.max(...line.words.map((word) => word.y1)) }));
}

/** A page's lines run askew when they rise or fall by this much per column or more (0.25°): over a page's width, a tenth of a line at 300 dpi. */
const MIN_SKEW = 0.0045;

/**
 * How steeply the page's lines run (rise per column, down to the right positive): the median slope of
 * the baselines of lines a quarter of the page wide or more; 0 where they run level, or too few are read.
 */
function skewOf(lines: readonly BandLine[], width: number): number {
  const slopes = lines
    .filter(({ baseline }) => baseline.x1 - baseline.x0 >= width / 4)
    .map(({ baseline }) => (baseline.y1 - baseline.y0) / (baseline.x1 - baseline.x0))
    .sort((a, b) => a - b);
  const median = slopes[Math.floor(slopes.length / 2)];
  return median === undefined || Math.abs(median) < MIN_SKEW ? 0 : median;
}

/**
 * The rows along `slope` (`rowAlong`) each line read covers. A word's box on a page askew is taller than
 * the word by the slope over its width: its top is the word's top at the end where it stands highest,
 * its bottom the word's bottom where it stands lowest.
 */
function spansAlong(lines: readonly BandLine[], slope: number, width: number): RowSpan[] {
  return lines
    .filter((line) => line.words.length > 0)
    .map((line) => ({
      top: Math.min(...line.words.map((word) => Math.max(rowAlong(slope, width, word.x0, word.y0), rowAlong(slope, width, word.x1, word.y0)))),
      bottom: Math.max(...line.words.map((word) => Math.min(rowAlong(slope, width, word.x0, word.y1), rowAlong(slope, width, word.x1, word.y1)))),
    }));
}

/** At most this many lines of a page are read again for their start: a page of dirt is no page of cut lines. */
const MAX_CUT_LINES = 6;

/** The lines read with ink left unread before their first word, and the column it starts at. */
function cutLineStarts(page: GreyImage, lines: readonly BandLine[]): { line: BandLine; inkStart: number }[] {
  const cut = lines.flatMap((line) => {
    const inkStart = unreadInkBefore(page, line.words);
    return inkStart === undefined ? [] : [{ line, inkStart }];
  });
  return cut.length > MAX_CUT_LINES ? [] : cut;
}

/** How far into the box of the line read above it the crop of a strip that runs up to it reaches, in that line's heights. */
const NEIGHBOUR_REACH = 0.3;

/**
 * The strip with the blank rows around it, up to the lines read (`spans`) above and below: tesseract
 * reads a line best with paper around it. Where the strip runs up to the line read above it, its
 * ascenders stand in that line's box, and the crop reaches into it by `NEIGHBOUR_REACH` of its height
 * (cut at its x-height, "Beschäftigung" was read as "DESCHALUGUNG"); what it takes in of that line is
 * its descenders, which read as nothing. Not below: the tops of the next line's capitals read as
 * letters on the strip's line.
 */
function gapAround(strip: RowSpan, spans: readonly RowSpan[], pageHeight: number): RowSpan {
  const aboveSpans = spans.filter((span) => span.bottom <= strip.top);
  const above = Math.max(0, ...aboveSpans.map((span) => span.bottom));
  const below = Math.min(pageHeight, ...spans.filter((span) => span.top >= strip.bottom).map((span) => span.top));
  const neighbour = strip.top - above <= 1 ? aboveSpans.find((span) => span.bottom === above) : undefined;
  const top = neighbour ? above - Math.round((neighbour.bottom - neighbour.top) * NEIGHBOUR_REACH) : above;
  return { top: Math.max(0, Math.floor(top)), bottom: Math.ceil(below) };
}

/**
 * The workers that read pages, each job on an idle one. A job says how its page is to be thresholded, a
 * setting of the worker (tesseract.js's scheduler cannot say which worker a job gets, so it cannot set
 * it); a worker's setting is changed only when a job needs another. As many jobs run as there are
 * workers, so an idle one is always there for a job that runs.
 */
class PageWorkers {
  private readonly idle: Worker[];
  private readonly running: LimitFunction;
  private readonly thresholding = new Map<Worker, string>();

  constructor(private readonly workers: readonly Worker[]) {
    this.idle = [...workers];
    this.running = pLimit(workers.length);
  }

  recognize(image: Buffer, thresholding: string): Promise<RecognizeResult> {
    return this.running(async () => {
      const worker = this.idle.pop()!;
      try {
        if ((this.thresholding.get(worker) ?? OTSU) !== thresholding) {
          await worker.setParameters({ thresholding_method: thresholding } as Partial<WorkerParams>);
          this.thresholding.set(worker, thresholding);
        }
        return await worker.recognize(image, {}, { blocks: true, text: false });
      } finally {
        this.idle.push(worker);
      }
    });
  }

  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

/**
 * tesseract.js with a pool of workers (one per core by default) and one more for single words; pages
 * queue on the pool, unrendered until it can take them. Workers start lazily, on the first scanned
 * page, so text-only batches never pay.
 */
export class TesseractOcrEngine implements OcrEngine {
  readonly name = 'tesseract.js';
  private pool?: Promise<PageWorkers>;
  private wordReader?: Promise<Worker>;
  /** One page's words at a time on the word reader, whose resolution setting changes between its crops. */
  private readonly wordsBeingRead = pLimit(1);
  /** Pages being read: as many as there are workers, since each page's two bands keep the pool busy. */
  private readonly pagesBeingRead: LimitFunction;

  /** `vocabulary` is the lexicon a doubtful word's readings are weighed by (`chooseReading`). */
  constructor(
    private readonly workers = Math.max(1, cpus().length),
    private readonly dpi = 300,
    private readonly vocabulary: WordLookup = germanWords,
  ) {
    this.pagesBeingRead = pLimit(workers);
  }

  recognize(render: () => Promise<PageRaster>): Promise<OcrPage> {
    return this.pagesBeingRead(async () => this.read(await render()));
  }

  private async startWorker(parameters: Record<string, string>): Promise<Worker> {
    const { createWorker, OEM } = await tesseractJs();
    const worker = await createWorker('deu', OEM.LSTM_ONLY, { langPath: germanModelPath(), gzip: true, cacheMethod: 'none' });
    // tesseract prints statistics of its own to stderr when it reads a near-empty crop as one word (noise
    // on a 200 dpi JPEG scan: 137 blocks of "Total count=0 … Mean= 0.00" for one document).
    await worker.setParameters({ debug_file: '/dev/null', ...parameters });
    return worker;
  }

  private start(): Promise<PageWorkers> {
    this.pool ??= (async () => {
      // PGM carries no resolution; pages are rendered at a known one, so tesseract need not guess.
      const started = await Promise.all(Array.from({ length: this.workers }, () => this.startWorker({ user_defined_dpi: String(this.dpi) })));
      return new PageWorkers(started);
    })();
    return this.pool;
  }

  /**
   * Reads the page in two overlapping horizontal bands, in parallel on the pool. Tesseract's page layout
   * analysis sometimes drops whole text lines of a full page that it reads in a band (seen with signature
   * blocks below justified text); each band keeps the lines whose middle lies in its own half. A strip
   * that holds a line neither band read (`skippedLineStrips`) is read on its own. Words it
   * was unsure of are then read again alone (`rereadDoubtfulWords`), where capitals in acronyms ("EASY"
   * read as "FASY") and the hairlines the despeckling thinned come out right.
   */
  private async read(image: PageRaster): Promise<OcrPage> {
    const pool = await this.start();
    const unfiltered = greyPage(image);
    const page = cleanScan(unfiltered);
    const faintPrint = isFaintPrint(page);
    const thresholding = faintPrint ? SAUVOLA : OTSU;
    const middle = Math.round(page.height / 2);
    const overlap = Math.round(page.height * BAND_OVERLAP);
    const bands = [
      { top: 0, bottom: Math.min(page.height, middle + overlap), keep: (centre: number) => centre < middle },
      { top: Math.max(0, middle - overlap), bottom: page.height, keep: (centre: number) => centre >= middle },
    ];
    const read = await Promise.all(
      bands.map(async (band) => {
        const { data } = await pool.recognize(pgmRows(page, band.top, band.bottom), thresholding);
        return linesRead(data, band.top, page).filter((line) => band.keep(line.centre));
      }),
    );
    const spans = spansOf(read.flat());
    // Only what stands in the strip: a neighbour's descenders or accents read apart are no line.
    const inStrip = (strip: RowSpan) => (line: BandLine) => line.centre >= strip.top && line.centre < strip.bottom && line.words.some((word) => /\p{L}{2}/u.test(word.text));
    const slope = skewOf(read.flat(), page.width);
    const skipped = await Promise.all(
      slope === 0
        ? skippedLineStrips(page, spans).map(async (strip) => {
            const crop = gapAround(strip, spans, page.height);
            return { top: strip.top, lines: await readStrip(pool, page, thresholding, inkRows(page, crop.top, crop.bottom), crop.top, inStrip(strip)) };
          })
        : skippedLineStrips(page, spansAlong(read.flat(), slope, page.width), slope).map(async (along) => {
            // Askew, the rows around a strip hold the lines beside it: its rows are read, blank but for its ink's
            // columns and paper beside them.
            const strip = stripOnPage(page, along, slope);
            const paper = strip.bottom - strip.top;
            const image = inkBox(page, { ...strip, left: Math.max(0, strip.left - paper), right: Math.min(page.width, strip.right + paper) });
            return { top: strip.top, lines: await readStrip(pool, page, thresholding, image, strip.top, inStrip(strip)) };
          }),
    );
    const unreadLines = skipped.filter((strip) => strip.lines.length === 0).map((strip) => strip.top);
    const ordered = [...read.flat(), ...skipped.flatMap((strip) => strip.lines)].sort((a, b) => a.centre - b.centre);
    await Promise.all(cutLineStarts(page, ordered).map(async ({ line, inkStart }) => this.rereadLineStart(pool, page, thresholding, line, inkStart, spansOf(ordered.filter((other) => other !== line)))));
    const words = ordered.flatMap((line) => line.words);
    await this.wordsBeingRead(() => this.rereadDoubtfulWords(page, unfiltered, words));
    for (const word of words) {
      restoreCapitalUmlauts(page, word);
      restoreCapitalE(page, word);
    }
    await this.restoreCapitalFs(page, words);
    for (const line of ordered) restoreInitialCase(page, line);
    // Confidences from here on are shares (0–1), as every reader gives them.
    const share = <Read extends { confidence: number }>(read: Read): Read => ({ ...read, confidence: read.confidence / 100 });
    const readLines = ordered.map((line) => ({ ...line, words: line.words.map((word): OcrWord => ({ ...share(word), ...(word.readings ? { readings: word.readings.map(share) } : {}) })) }));
    // Paragraph ends are kept as blank lines: they end list items and signature blocks.
    const lines = readLines.flatMap((line) => (line.paragraphEnd ? [wordsToLine(line.words), ''] : [wordsToLine(line.words)]));
    const geometry = readLines.flatMap((line) => {
      const placed = wordsGeometry(line.words);
      return line.paragraphEnd ? [placed, undefined] : [placed];
    });
    return {
      reader: 'tesseract',
      lines,
      geometry,
      size: { width: page.width, height: page.height },
      confidence: textConfidence(readLines.map((line) => line.words)),
      ...(faintPrint ? { faintPrint } : {}),
      ...(unreadLines.length > 0 ? { unreadLines } : {}),
    };
  }

  /**
   * A line whose first letters the page pass left unread (`unreadInkBefore`), read again alone, with the
   * paper up to the lines around it: as the page is, and in black and white, which reads some cut lines
   * the grey crop does not ("Landrätin" read as "jrätin" in grey). The first reading that adds those
   * letters to the same ones (`readsLineStart`) replaces the line's words.
   */
  private async rereadLineStart(pool: PageWorkers, page: GreyImage, thresholding: string, line: BandLine, inkStart: number, others: readonly RowSpan[]): Promise<void> {
    const [span] = spansOf([line]);
    if (!span) return;
    const crop = gapAround(span, others, page.height);
    for (const image of [pgmRows, inkRows]) {
      const { data } = await pool.recognize(image(page, crop.top, crop.bottom), thresholding);
      const reread = linesRead(data, crop.top, page).find((candidate) => candidate.centre >= span.top && candidate.centre < span.bottom);
      if (reread && readsLineStart(line.words, reread.words, inkStart, span.bottom - span.top)) {
        line.words = reread.words;
        return;
      }
    }
  }

  /**
   * Words tesseract was unsure of, or that are no word the vocabulary knows (`secondReading`), read again alone: from the
   * despeckled page enlarged, and from the unfiltered page; `chooseReading` says which reading stands.
   */
  private async rereadDoubtfulWords(page: GreyImage, unfiltered: GreyImage, words: PageWord[]): Promise<void> {
    const unlessKnown = words.filter((word) => secondReading(word) === 'unless-known');
    const knownFirst = await this.vocabulary.known(unlessKnown.map((word) => word.text));
    const unknown = new Set(unlessKnown.filter((_, index) => !knownFirst[index]));
    // A word with quotation marks or blank symbols at its edges is read again without them: tesseract is
    // unsure of the word and the marks together ("„Coaching" at 32 %, each of its symbols at 90 % or
    // more), and of the word with the ink a blank stands for (" Assistierte" at 38 %, alone at 89 %).
    const doubtful = words.filter((word) => secondReading(word) === 'always' || unknown.has(word)).map((word) => ({ word, letters: lettersOf(word) }));
    if (doubtful.length === 0) return;
    this.wordReader ??= tesseractJs().then(({ PSM }) => this.startWorker({ tessedit_pageseg_mode: PSM.SINGLE_WORD }));
    const reader = await this.wordReader;
    const readAll = async (image: GreyImage, scale: number): Promise<WordReading[]> => {
      await reader.setParameters({ user_defined_dpi: String(this.dpi * scale) });
      const readings: WordReading[] = [];
      for (const { letters } of doubtful) {
        let { data } = await reader.recognize(wordImage(image, letters, scale));
        // A reading that lost a letter at one end is read again with the crop widened on that side.
        const clipped = clippedSide(letters.text, data.text);
        if (clipped) ({ data } = await reader.recognize(wordImage(image, letters, scale, clipped)));
        readings.push({ text: data.text.trim(), confidence: data.confidence });
      }
      return readings;
    };
    const enlarged = await readAll(page, REREAD_SCALE);
    const plain = await readAll(unfiltered, 1);
    const texts = textsToLookUp(doubtful.map(({ letters }, index) => ({ first: letters.text, rereads: [enlarged[index]!, plain[index]!] })));
    const answers = await this.vocabulary.known(texts);
    const known = new Set(texts.filter((_, index) => answers[index]));
    doubtful.forEach(({ word, letters }, index) => {
      const rereads = [enlarged[index]!, plain[index]!];
      const chosen = chooseReading(letters, rereads, (text) => known.has(text));
      if (chosen.text !== letters.text.trim()) {
        word.capitals = undefined;
        word.efs = undefined;
      }
      const quoted = (text: string) => `${word.edges?.before ?? ''}${text}${word.edges?.after ?? ''}`;
      const others = otherReadings(letters, rereads, chosen.text);
      if (others.length > 0) word.readings = others.map((reading) => ({ ...reading, text: quoted(reading.text) }));
      word.text = quoted(chosen.text);
      word.confidence = chosen.confidence;
    });
  }

  /**
   * Each capital E the page shows as an F (`withStemFootEsAsF`), where the word with the F is one the
   * vocabulary knows and the word as read is none: "Erauen" for "Frauen", read at 93 % on the page
   * and alike alone.
   */
  private async restoreCapitalFs(page: GreyImage, words: PageWord[]): Promise<void> {
    const candidates = words.flatMap((word) => {
      const withF = withStemFootEsAsF(page, word);
      return withF ? [{ word, withF }] : [];
    });
    if (candidates.length === 0) return;
    const known = await this.vocabulary.known(candidates.flatMap(({ word, withF }) => [word.text, withF]));
    candidates.forEach(({ word, withF }, index) => {
      if (!known[2 * index] && known[2 * index + 1]) word.text = withF;
    });
  }

  async close(): Promise<void> {
    const [pool, wordReader] = [this.pool, this.wordReader];
    this.pool = undefined;
    this.wordReader = undefined;
    await Promise.all([pool?.then((started) => started.terminate()), wordReader?.then((worker) => worker.terminate())]);
  }
}
