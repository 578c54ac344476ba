import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { createScheduler, createWorker, OEM, type Line, type Scheduler } from 'tesseract.js';
import { type OcrEngine, type OcrPage, wordsToLine } from './engine.js';
import { cleanScan, pgmRows } from './preprocess.js';

const require = createRequire(import.meta.url);

/** Share of the page height the two bands overlap by, so that no line is cut in both. */
const BAND_OVERLAP = 0.04;

interface BandLine {
  centre: number;
  text: string;
  paragraphEnd: boolean;
  confidences: number[];
}

/** German LSTM model shipped by the npm package: nothing is downloaded at run time. */
function germanModelPath(): string {
  const packageJson = require.resolve('@tesseract.js-data/deu/package.json');
  return `${packageJson.slice(0, -'package.json'.length)}4.0.0_best_int`;
}

function lineText(line: Line): string {
  return wordsToLine(
    line.words.map((word) => ({
      text: word.text,
      confidence: word.confidence,
      x0: word.bbox.x0,
      x1: word.bbox.x1,
      height: word.bbox.y1 - word.bbox.y0,
    })),
  );
}

/**
 * tesseract.js with a pool of workers (one per core by default); pages queue on the pool. Workers start
 * lazily, on the first scanned page, so text-only batches never pay for them.
 */
export class TesseractOcrEngine implements OcrEngine {
  readonly name = 'tesseract.js';
  private scheduler?: Promise<Scheduler>;

  constructor(
    private readonly workers = Math.max(1, cpus().length),
    private readonly dpi = 300,
  ) {}

  private start(): Promise<Scheduler> {
    this.scheduler ??= (async () => {
      const scheduler = createScheduler();
      const langPath = germanModelPath();
      const started = await Promise.all(
        Array.from({ length: this.workers }, () =>
          createWorker('deu', OEM.LSTM_ONLY, { langPath, gzip: true, cacheMethod: 'none' }).then(async (worker) => {
            // PGM carries no resolution; pages are rendered at a known one, so tesseract need not guess.
            await worker.setParameters({ user_defined_dpi: String(this.dpi) });
            return worker;
          }),
        ),
      );
      for (const worker of started) scheduler.addWorker(worker);
      return scheduler;
    })();
    return this.scheduler;
  }

  /**
   * Reads the page in two overlapping horizontal bands, in parallel on the pool. Tesseract's page layout
   * analysis sometimes drops whole text lines of a full page that it reads in a band (seen with signature
   * blocks below justified text); each band keeps the lines whose middle lies in its own half.
   */
  async recognize(image: Uint8Array): Promise<OcrPage> {
    const scheduler = await this.start();
    const page = await cleanScan(image);
    const middle = Math.round(page.height / 2);
    const overlap = Math.round(page.height * BAND_OVERLAP);
    const bands = [
      { top: 0, bottom: Math.min(page.height, middle + overlap), keep: (centre: number) => centre < middle },
      { top: Math.max(0, middle - overlap), bottom: page.height, keep: (centre: number) => centre >= middle },
    ];
    const read = await Promise.all(
      bands.map(async (band) => {
        const { data } = await scheduler.addJob('recognize', Buffer.from(pgmRows(page, band.top, band.bottom)), {}, { blocks: true, text: false });
        const kept: BandLine[] = [];
        for (const block of data.blocks ?? []) {
          for (const paragraph of block.paragraphs) {
            paragraph.lines.forEach((line, index) => {
              const centre = band.top + (line.bbox.y0 + line.bbox.y1) / 2;
              if (!band.keep(centre)) return;
              kept.push({ centre, text: lineText(line), paragraphEnd: index === paragraph.lines.length - 1, confidences: line.words.map((word) => word.confidence) });
            });
          }
        }
        return kept;
      }),
    );
    const ordered = read.flat().sort((a, b) => a.centre - b.centre);
    // Paragraph ends are kept as blank lines: they end list items and signature blocks.
    const lines = ordered.flatMap((line) => (line.paragraphEnd ? [line.text, ''] : [line.text]));
    const confidences = ordered.flatMap((line) => line.confidences);
    const confidence = confidences.length ? confidences.reduce((sum, value) => sum + value, 0) / confidences.length : 0;
    return { lines, confidence };
  }

  async close(): Promise<void> {
    if (!this.scheduler) return;
    const scheduler = await this.scheduler;
    this.scheduler = undefined;
    await scheduler.terminate();
  }
}
