import { createCanvas, ImageData } from '@napi-rs/canvas';
import { execFile, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { forEachLimited } from '../shared/concurrency.js';
import { extractionConfigSchema } from '../shared/config.js';
import { ReaderPool } from '../shared/isolation/reader-pool.js';
import { PdfDocument, type RgbaRaster } from '../shared/pdf/document.js';
import { TesseractOcrEngine } from '../shared/ocr/tesseract.js';
import type { AgreementRecord } from '../shared/schema/record.js';
import { fixtureBytes, loadFixtures } from '../test/support/fixtures.js';
import { measureCli, outcomes } from './cli-run.js';
import { launchBrowser } from '../test/support/browser.js';
import { describeCalibration, runCalibration } from './calibration.js';
import { digitalFolderSpeed } from './digital-folder.js';
import { assetSizes, coldStart } from './lambda-assets.js';
import { type Accuracy, accuracy } from './field-accuracy.js';
import { mergeBenchResults } from './results.js';

/**
 * Extraction speed and memory against native baselines measured in the same run:
 * - digital documents: our whole extraction (text layer, fields, validation) per document, in a reader
 *   process under its limits as the CLI and the functions read them, against poppler's `pdftotext` on
 *   the same file;
 * - scanned pages: tesseract.js recognising a rendered page against native `tesseract -l deu` on the
 *   same rendered page (as a PNG file for it), one page at a time, tesseract with OMP_THREAD_LIMIT=1
 *   (its fastest setting on few cores); and pages per second of the CLI on the scanned fixtures
 *   against native tesseract run as one single-threaded process per core on their rendered pages;
 * - field accuracy on the fixtures;
 * - calibration (bench/calibration.ts): over 300 agreements from seeds no test uses, by both producers,
 *   digital and scanned at every quality, fax-like included: field accuracy, the share of valid records
 *   and every valid record with a wrong value; `--sample` reads a few per quality instead, for every day;
 * - the CLI as users run it (built, default settings) over every fixture and the hostile files
 *   (fixtures/hostile): its wall time and the peak resident memory of its whole process tree, readers
 *   included, and of this process over all of the above;
 * - the CLI on a folder of 100 digital agreements against pdftotext over the same files, whole processes
 *   both, and beside them the floor of any reader on pdf.js: processes that only load it and ask each
 *   page for its text items (bench/digital-folder.ts);
 * - the Lambda functions as shipped: each one's unzipped asset in the default configuration, and the
 *   ingest function's cold start on the local emulator (bench/lambda-assets.ts).
 * `--json` also writes these figures as the `extraction` section of bench-results.json, and the
 * calibration's as the `calibration` one (`calibration (sample)` for a sample). Ratios are ours divided by
 * the baseline's, medians.
 */

const run = promisify(execFile);

/** The rendered page as a PNG file's bytes, for native tesseract to read. */
function pngOf({ width, height, rgba }: RgbaRaster): Buffer {
  const canvas = createCanvas(width, height);
  canvas.getContext('2d').putImageData(new ImageData(rgba, width, height), 0, 0);
  return canvas.toBuffer('image/png');
}
const root = new URL('..', import.meta.url).pathname;
const fixturePdfs = join(root, 'fixtures', 'pdf');
const writeJson = process.argv.includes('--json');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

execFileSync(join(root, 'scripts', 'install-native-baselines.sh'), { stdio: 'inherit' });

const pdfsIn = (folder: string) =>
  readdirSync(join(fixturePdfs, folder))
    .filter((name) => /\.pdf$/i.test(name))
    .sort()
    .map((name) => join(fixturePdfs, folder, name));

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};
const millis = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);

const config = extractionConfigSchema.parse({});
const ocr = new TesseractOcrEngine(1, config.ocrDpi);
const readers = new ReaderPool(2);

// Digital documents: the median of several rounds per document, then the median over documents. The
// reader is warm, as it is from the second document of a run on: starting it is a run's cost, not a
// document's.
const digital = pdfsIn('digital');
const ours: number[] = [];
const pdftotext: number[] = [];
for (const file of digital) {
  const bytes = readFileSync(file);
  await readers.extract(bytes, basename(file), { config }); // warm-up
  const oursRounds: number[] = [];
  const baselineRounds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let start = process.hrtime.bigint();
    await readers.extract(bytes, basename(file), { config });
    oursRounds.push(millis(start));
    start = process.hrtime.bigint();
    await run('pdftotext', ['-layout', file, '-']);
    baselineRounds.push(millis(start));
  }
  ours.push(median(oursRounds));
  pdftotext.push(median(baselineRounds));
}

/**
 * Native tesseract in its fastest honest configuration here: one thread per process. Its default
 * OpenMP threads make it slower on a machine of few cores (6.5 s against 2.0 s per 300 dpi page on two).
 */
const TESSERACT_SETTING = { OMP_THREAD_LIMIT: '1' };
const tesseract = (png: string) => run('tesseract', [png, '-', '-l', 'deu'], { maxBuffer: 16 * 1024 * 1024, env: { ...process.env, ...TESSERACT_SETTING } });

// Scanned pages: render each once, then time both OCR engines on the same image.
const scratch = mkdtempSync(join(tmpdir(), 'bench-ocr-'));
const pngs: string[] = [];
const ocrOurs: number[] = [];
const ocrNative: number[] = [];
const scanned = pdfsIn('scanned');
let warmedUp = false;
for (const file of scanned) {
  const document = await PdfDocument.open(readFileSync(file), config.limits);
  for (let page = 1; page <= document.pageCount; page++) {
    const image = await document.renderPage(page, config.ocrDpi);
    const png = join(scratch, `${basename(file)}-${page}.png`);
    writeFileSync(png, pngOf(image));
    pngs.push(png);
    if (!warmedUp) {
      // Both engines load their model once; that is start-up, not per-page cost.
      await ocr.recognize(async () => image);
      await tesseract(png);
      warmedUp = true;
    }
    let start = process.hrtime.bigint();
    await ocr.recognize(async () => image);
    ocrOurs.push(millis(start));
    start = process.hrtime.bigint();
    await tesseract(png);
    ocrNative.push(millis(start));
  }
  await document.close();
}

// Every fixture end to end with the OCR pool, for field accuracy against the expected records.
const ocrPool = new TesseractOcrEngine(undefined, config.ocrDpi);
const fixtures = loadFixtures();
const extracted: { fixture: (typeof fixtures)[number]; actual: AgreementRecord }[] = await Promise.all(
  fixtures.map(async (fixture) => ({ fixture, actual: (await readers.extract(fixtureBytes(fixture), basename(fixture.path), { config, ocr: ocrPool })).record })),
);
const summary = (result: Accuracy) => ({ right: result.right, total: result.total, accuracy: result.right / result.total, wrong: result.wrong, validButWrong: result.validButWrong });
const accuracyOf = (category: string) =>
  summary(accuracy(extracted.filter(({ fixture }) => fixture.category === category).map(({ fixture, actual }) => ({ actual, expected: fixture.expected }))));
const size = process.argv.includes('--sample') ? 'sample' : 'full';
const browser = await launchBrowser();
const calibration = await runCalibration({ size, config, ocr: ocrPool, browser, progress: (line) => process.stderr.write(`${line}\n`) }).finally(() => browser.close());
await Promise.all([ocr.close(), ocrPool.close(), readers.close()]);
clearInterval(sampler);

// The CLI itself, as a user runs it, on every fixture and every hostile file: built first, so that what
// is measured is the shipped JavaScript.
execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
const hostile = join(root, 'fixtures', 'hostile');
const cli = await measureCli(['extract', fixturePdfs, hostile]);
const cliFiles = fixtures.length + readdirSync(hostile).length;

// Pages per second over all scanned fixtures, as a user runs each: the CLI on the folder (rendering,
// OCR and extraction, its OCR on one worker per core), against native tesseract on the same pages
// already rendered, one single-threaded process per core at a time.
const processes = Math.max(1, cpus().length);
let start = process.hrtime.bigint();
await run(process.execPath, [join(root, 'dist', 'cli', 'agreements.js'), 'extract', join(fixturePdfs, 'scanned'), '--json'], { maxBuffer: 64 * 1024 * 1024 });
const cliSeconds = millis(start) / 1000;
start = process.hrtime.bigint();
await forEachLimited(pngs, processes, async (png) => {
  await tesseract(png);
});
const nativeSeconds = millis(start) / 1000;
rmSync(scratch, { recursive: true, force: true });

const folder = await digitalFolderSpeed({ runs: ROUNDS });
const assetMegabytes = await assetSizes();
const cold = await coldStart();

const results = {
  digitalVsPdftotext: median(ours) / median(pdftotext),
  ocrVsTesseract: median(ocrOurs) / median(ocrNative),
  digital: { documents: digital.length, oursMedianMs: median(ours), pdftotextMedianMs: median(pdftotext) },
  ocr: { pages: ocrOurs.length, dpi: config.ocrDpi, oursMedianMs: median(ocrOurs), tesseractMedianMs: median(ocrNative), tesseractSetting: TESSERACT_SETTING },
  /** Throughput over the scanned fixtures: ours is the CLI end to end, native tesseract only reads the rendered pages. */
  ocrThroughput: {
    pages: pngs.length,
    processes,
    cliPagesPerSecond: pngs.length / cliSeconds,
    tesseractPagesPerSecond: pngs.length / nativeSeconds,
    cliVsTesseract: nativeSeconds / cliSeconds,
  },
  fieldAccuracy: {
    digital: accuracyOf('digital'),
    scanned: accuracyOf('scanned'),
    mixed: accuracyOf('mixed'),
  },
  cli: {
    files: cliFiles,
    records: cli.records.length,
    exitCode: cli.code,
    seconds: Math.round(cli.seconds * 10) / 10,
    peakRssMiB: cli.peakMiB,
    processes: cli.processes,
    outcomes: outcomes(cli.records),
  },
  digitalFolder: folder,
  digitalFolderVsPdftotext: folder.ratio,
  /** Unzipped, in MB, as `cdk synth` bundles the default configuration (ocr=textract, arm64). */
  assetMegabytes,
  coldStart: cold,
  peakRssMiB: Math.round(peakRss / 1024 / 1024),
  node: process.version,
};

const round = (value: number) => Math.round(value * 100) / 100;
console.log(`digital extraction: ${round(results.digital.oursMedianMs)} ms/document vs pdftotext ${round(results.digital.pdftotextMedianMs)} ms → ${round(results.digitalVsPdftotext)}× (${digital.length} documents, median of ${ROUNDS} rounds)`);
console.log(
  `OCR: ${round(results.ocr.oursMedianMs)} ms/page vs native tesseract ${round(results.ocr.tesseractMedianMs)} ms with OMP_THREAD_LIMIT=1 (its fastest setting here) → ${round(results.ocrVsTesseract)}× (${ocrOurs.length} pages at ${config.ocrDpi} dpi, one page at a time)`,
);
console.log(
  `OCR throughput: the CLI on the scanned fixtures ${round(results.ocrThroughput.cliPagesPerSecond)} pages/s vs native tesseract (OMP_THREAD_LIMIT=1, ${processes} processes, pages already rendered) ${round(results.ocrThroughput.tesseractPagesPerSecond)} pages/s → ${round(results.ocrThroughput.cliVsTesseract)}× (${pngs.length} pages)`,
);
for (const [category, measured] of Object.entries(results.fieldAccuracy)) {
  console.log(`field accuracy, ${category}: ${measured.right}/${measured.total} = ${measured.accuracy.toFixed(3)}, valid-but-wrong ${measured.validButWrong.length}`);
  for (const wrong of measured.wrong) console.log(`  ${wrong}`);
  for (const record of measured.validButWrong) console.log(`  VALID BUT WRONG ${record}`);
}
console.log(
  `CLI on ${cliFiles} files (every fixture and hostile file): ${results.cli.records} records, exit code ${results.cli.exitCode}, ${results.cli.seconds} s, peak ${results.cli.peakRssMiB} MiB resident with its readers (${results.cli.processes} processes at most); this benchmark process ${results.peakRssMiB} MiB`,
);
console.log(`  ${Object.entries(results.cli.outcomes).map(([outcome, count]) => `${outcome}: ${count}`).join(', ')}`);
console.log(
  `digital folder: agreements extract on ${folder.documents} agreements ${round(folder.oursMedianSeconds)} s (peak ${folder.oursPeakMiB} MiB) vs pdftotext over the same files, ${cpus().length} at a time, ${round(folder.pdftotextMedianSeconds)} s → ${round(folder.ratio)}× (median of ${folder.runs} alternating runs)`,
);
console.log(
  `  pdf.js asked only for the text items of the same files, in ${cpus().length} processes: ${round(folder.pdfjsTextOnlyMedianSeconds)} s → ${round(folder.pdfjsTextOnlyRatio)}× pdftotext, the floor for any reader on pdf.js`,
);
console.log(`Lambda assets of the default configuration (unzipped): ${Object.entries(assetMegabytes).map(([name, megabytes]) => `${name} ${megabytes} MB`).join(', ')}`);
console.log(`cold start of the ingest function on the emulator: first record ${round(cold.firstRecordSeconds)} s after upload, the next ${round(cold.warmRecordSeconds)} s → ${round(cold.coldStartSeconds)} s`);
for (const line of describeCalibration(calibration)) console.log(line);
if (writeJson) {
  mergeBenchResults('extraction', results);
  mergeBenchResults(size === 'full' ? 'calibration' : 'calibration (sample)', calibration);
  console.log('wrote the extraction and calibration sections of bench-results.json');
}
