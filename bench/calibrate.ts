import { extractionConfigSchema } from '../shared/config.js';
import { TesseractOcrEngine } from '../shared/ocr/tesseract.js';
import { launchBrowser } from '../test/support/browser.js';
import { describeCalibration, runCalibration, type SetSize } from './calibration.js';
import { mergeBenchResults } from './results.js';

/**
 * `npm run bench:calibration [-- --sample] [--seed-base N] [--digital N --scanned N] [--quality NAME]…
 * [--cache DIR] [--keep FILE] [--json]`: the calibration part of `npm run bench` on its own (see
 * bench/calibration.ts). `--digital`/`--scanned` set the agreements per producer and quality, `--quality`
 * (repeatable) reads only the qualities named, for development runs. `--json` merges its figures into
 * bench-results.json, as the `calibration` section (`calibration (sample)` for a sample); a run with
 * counts or qualities of its own is never written there.
 */
const argument = (name: string) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const size: SetSize = process.argv.includes('--sample') ? 'sample' : 'full';
const seedBase = argument('--seed-base') === undefined ? undefined : Number(argument('--seed-base'));
const counts = argument('--digital') !== undefined || argument('--scanned') !== undefined
  ? { digital: Number(argument('--digital') ?? 0), scanned: Number(argument('--scanned') ?? 0) }
  : undefined;
const qualities = process.argv.flatMap((value, at) => (process.argv[at - 1] === '--quality' ? [value] : []));

// The shipped configuration; the floors can be set for calibrating them (`--min-value-confidence 1`
// flags every value OCR read, with its confidences in the message; `--min-unknown-word-confidence 1`
// every word OCR read that the German lexicon does not know).
const config = extractionConfigSchema.parse({
  ...(argument('--min-value-confidence') ? { minValueConfidence: argument('--min-value-confidence') } : {}),
  ...(argument('--min-word-confidence') ? { minWordConfidence: argument('--min-word-confidence') } : {}),
  ...(argument('--min-unknown-word-confidence') ? { minUnknownWordConfidence: argument('--min-unknown-word-confidence') } : {}),
});
const ocr = new TesseractOcrEngine(undefined, config.ocrDpi);
const browser = await launchBrowser();
try {
  const results = await runCalibration({
    size,
    seedBase,
    counts,
    qualities: qualities.length > 0 ? qualities : undefined,
    config,
    ocr,
    browser,
    cache: argument('--cache'),
    keep: argument('--keep'),
    progress: (line) => process.stderr.write(`${line}\n`),
  });
  for (const line of describeCalibration(results)) console.log(line);
  if (process.argv.includes('--json') && !counts && qualities.length === 0) {
    mergeBenchResults(size === 'full' ? 'calibration' : 'calibration (sample)', results);
    console.log('wrote the calibration section of bench-results.json');
  }
} finally {
  await browser.close();
  await ocr.close();
}
