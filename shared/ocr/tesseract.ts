import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { createScheduler, createWorker, OEM, type Line, type Scheduler } from 'tesseract.js';
import { type OcrEngine, type OcrPage, wordsToLine } from './engine.js';

const require = createRequire(import.meta.url);

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

  constructor(private readonly workers = Math.max(1, cpus().length)) {}

  private start(): Promise<Scheduler> {
    this.scheduler ??= (async () => {
      const scheduler = createScheduler();
      const langPath = germanModelPath();
      const started = await Promise.all(
        Array.from({ length: this.workers }, () =>
          createWorker('deu', OEM.LSTM_ONLY, { langPath, gzip: true, cacheMethod: 'none' }),
        ),
      );
      for (const worker of started) scheduler.addWorker(worker);
      return scheduler;
    })();
    return this.scheduler;
  }

  async recognize(image: Uint8Array): Promise<OcrPage> {
    const scheduler = await this.start();
    const { data } = await scheduler.addJob('recognize', Buffer.from(image), {}, { blocks: true, text: true });
    const lines: string[] = [];
    const confidences: number[] = [];
    for (const block of data.blocks ?? []) {
      for (const paragraph of block.paragraphs) {
        for (const line of paragraph.lines) {
          lines.push(lineText(line));
          confidences.push(...line.words.map((word) => word.confidence));
        }
        // Paragraph ends are kept as blank lines: they end list items and signature blocks.
        lines.push('');
      }
    }
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
