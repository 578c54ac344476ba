import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractionConfigSchema, type ExtractionConfigInput } from '../../shared/config.js';
import { extractDocumentWithText, extractOrPlanOcr } from '../../shared/extract-document.js';
import { GERMAN_WORDS_FILE } from '../../shared/extract/german-lexicon.js';
import type { WordLookup } from '../../shared/extract/lexicon.js';
import { readerEntry } from '../../shared/isolation/reader-entry.js';
import { ReaderPool } from '../../shared/isolation/reader-pool.js';
import { type OcrEngine, type OcrPage } from '../../shared/ocr/engine.js';
import { pagesFromBlocks } from '../../shared/ocr/textract.js';
import { type PageRaster, PdfDocument } from '../../shared/pdf/document.js';
import { fixtureBytes, fixturesRoot, loadFixtures } from '../support/fixtures.js';
import { processTree } from '../support/process-tree.js';
import { textractPagesFromText } from '../support/textract.js';

/**
 * Documents read in reader processes under hard limits: what a reader returns is what the extraction
 * gives in this process; a document past a limit is stopped from outside and gets its rejected record;
 * the pool goes on with a fresh reader. The hostile files hang or grow without end in any reader without
 * limits, so they are only ever opened here, through the pool.
 */

const config = (limits: ExtractionConfigInput['limits'] = {}, ocr: 'auto' | 'never' = 'never') => extractionConfigSchema.parse({ ocr, limits });
const fixture = (path: string) => loadFixtures().find((candidate) => candidate.path === path)!;
const hostile = (name: string) => readFileSync(`${fixturesRoot}hostile/${name}`);
const seed = fixture('digital/zielvereinbarung-2025-main-taunus-kreis.pdf');
const mixed = fixture('mixed/mixed-2020-vogelsbergkreis.pdf');
const now = () => new Date('2026-11-25T00:00:00Z');

/** Reads every page as one line saying its size and how dark it is: an OCR engine with no OCR in it. */
class PageSizes implements OcrEngine {
  readonly name = 'page sizes';
  readonly rasters: PageRaster[] = [];
  async recognize(render: () => Promise<PageRaster>): Promise<OcrPage> {
    const raster = await render();
    this.rasters.push(raster);
    return { reader: 'tesseract', lines: [`${raster.width}x${raster.height}`], geometry: [undefined], size: { width: raster.width, height: raster.height }, confidence: 0.9 };
  }
  async close() {}
}

const pool = new ReaderPool(2);
afterAll(() => pool.close());

/** The readers the pool runs now, found among this process's children by their entry. */
const readerPids = () =>
  processTree(process.pid).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('reader-process');
    } catch {
      return false;
    }
  });

describe('ReaderPool', () => {
  it('gives the record and text the extraction gives in this process', async () => {
    const expected = await extractDocumentWithText(fixtureBytes(seed), 'seed.pdf', { config: config(), now });
    expect(await pool.extract(fixtureBytes(seed), 'seed.pdf', { config: config(), now })).toEqual(expected);
  });

  it('renders scanned pages in the reader, only when the OCR engine here asks, grey, and reads them here', async () => {
    const ocr = new PageSizes();
    const { record } = await pool.extract(fixtureBytes(mixed), basename(mixed.path), { config: config({}, 'auto'), ocr, now });
    // Only the signature page is a scan; A4 at 300 dpi.
    expect(ocr.rasters.map(({ width, height, grey, rgba }) => ({ width, height, grey: grey?.length, rgba }))).toEqual([
      { width: 2481, height: 3508, grey: 2481 * 3508, rgba: undefined },
    ]);
    expect(record.textSource).toBe('mixed');
  });

  it('plans the pages to read by OCR where the mode has them read, and reads every other document at once', async () => {
    expect(await pool.extractOrPlanOcr(fixtureBytes(mixed), basename(mixed.path), { config: config({}, 'auto'), now })).toEqual({ kind: 'ocr', pages: [2] });
    expect(await extractOrPlanOcr(fixtureBytes(mixed), basename(mixed.path), { config: config({}, 'auto'), now })).toEqual({ kind: 'ocr', pages: [2] });
    const always = extractionConfigSchema.parse({ ocr: 'always' });
    expect(await pool.extractOrPlanOcr(fixtureBytes(seed), 'seed.pdf', { config: always, now })).toEqual({ kind: 'ocr', pages: [1, 2, 3] });

    const digital = await extractDocumentWithText(fixtureBytes(seed), 'seed.pdf', { config: config({}, 'auto'), now });
    expect(digital.record.status).toBe('valid');
    expect(await pool.extractOrPlanOcr(fixtureBytes(seed), 'seed.pdf', { config: config({}, 'auto'), now })).toEqual({ kind: 'read', extraction: digital });
    // With OCR off, the scanned page is not planned: the document is read, and the page reported unread.
    const unread = await pool.extractOrPlanOcr(fixtureBytes(mixed), basename(mixed.path), { config: config({}, 'never'), now });
    expect(unread).toEqual({ kind: 'read', extraction: await extractDocumentWithText(fixtureBytes(mixed), basename(mixed.path), { config: config({}, 'never'), now }) });
    expect(unread.kind === 'read' && unread.extraction.record.issues.map((issue) => issue.code)).toContain('ocr.skipped');
    // An id the owner has hashed already is taken as it is, not hashed again.
    const named = await pool.extractOrPlanOcr(fixtureBytes(seed), 'seed.pdf', { documentId: `sha256:${'0'.repeat(64)}`, config: config({}, 'auto'), now });
    expect(named.kind === 'read' && named.extraction.record).toEqual({ ...digital.record, documentId: `sha256:${'0'.repeat(64)}` });
  });

  it('looks the words of values OCR read up in the lexicon of this process, once a document, never in the reader', async () => {
    // The seed as Textract would read it: every value read by OCR, each word at Textract's 99.1 %.
    const document = await PdfDocument.open(fixtureBytes(seed), config().limits);
    const readings = pagesFromBlocks(textractPagesFromText(await document.pageTexts().finally(() => document.close())));
    const asked: string[][] = [];
    const askedSmall: string[][] = [];
    const askedListed: string[][] = [];
    const knowsNoWord: WordLookup = {
      known: async (words) => {
        asked.push([...words]);
        return words.map(() => false);
      },
      writtenSmall: async (words) => {
        askedSmall.push([...words]);
        return words.map(() => false);
      },
      listed: async (words) => {
        askedListed.push([...words]);
        return words.map(() => false);
      },
    };
    // Every word OCR read needs full confidence unless the lexicon knows it.
    const strict = extractionConfigSchema.parse({ ocr: 'never', minUnknownWordConfidence: 1 });
    const inReader = await pool.extract(fixtureBytes(seed), 'seed.pdf', { config: strict, ocrReadings: readings, lexicon: knowsNoWord, now });
    expect(asked).toHaveLength(1);
    expect(asked[0]).toEqual(expect.arrayContaining(['Ausbildungs-', 'Qualifizierungsbudgets', 'Main-Taunus-Kreis', 'Hofmann']));
    // Then, once too, the words the long ones it did not know may have been misread from ("Zielverembarung",
    // were its "in" read for an "m"), of a dozen words at most; a person's name is not asked about.
    expect(askedListed).toHaveLength(1);
    expect(askedListed[0]).toEqual(expect.arrayContaining(['Zielverembarung']));
    expect(askedListed[0]!.some((word) => word.startsWith('Hofman'))).toBe(false);
    // Words whose capital OCR may have read for a small letter of the same shape, once too.
    expect(askedSmall).toHaveLength(1);
    expect(askedSmall[0]).toEqual(expect.arrayContaining(['Soziales', 'Zukunftskompass', 'Staatsministerin']));
    expect(askedSmall[0]).not.toContain('Hofmann');
    const { record } = inReader;
    expect(record.status).toBe('needs_review');
    expect(record.issues.find((issue) => issue.path === 'agreement.parties[1].name')).toEqual({
      path: 'agreement.parties[1].name',
      code: 'value.unknown_word',
      message: `"${record.agreement.parties?.[1]?.name}" on page 1 was read by OCR, and "Main-Taunus-Kreis" (99 %) is no German word or name known here; check it against the scan.`,
    });
    // The same as the extraction in this process with the same lexicon.
    expect(inReader).toEqual(await extractDocumentWithText(fixtureBytes(seed), 'seed.pdf', { config: strict, ocrReadings: readings, lexicon: knowsNoWord, now }));
    // By default, this process's German lexicon: it knows the county, so no issue at its name.
    const { record: checked } = await pool.extract(fixtureBytes(seed), 'seed.pdf', { config: strict, ocrReadings: readings, now });
    expect(checked.issues.filter((issue) => issue.path === 'agreement.parties[1].name')).toEqual([]);
  });

  it('fails the task, not the document, when the lexicon here cannot answer, and goes on with a fresh reader', async () => {
    const document = await PdfDocument.open(fixtureBytes(seed), config().limits);
    const readings = pagesFromBlocks(textractPagesFromText(await document.pageTexts().finally(() => document.close())));
    const unreadable = () => Promise.reject(new Error('the German word list (german-words.txt) is missing'));
    const missing: WordLookup = { known: unreadable, writtenSmall: unreadable, listed: unreadable };
    await expect(pool.extract(fixtureBytes(seed), 'seed.pdf', { config: config(), ocrReadings: readings, lexicon: missing, now })).rejects.toThrow('the German word list (german-words.txt) is missing');
    expect((await pool.extract(fixtureBytes(seed), 'seed.pdf', { config: config(), now })).record.status).toBe('valid');
  });

  it('starts readers whose code holds no lexicon: they ask the process that owns them', async () => {
    const code = readFileSync(await readerEntry(), 'utf8');
    expect(code).toContain('look-up-words');
    expect(code).not.toContain(GERMAN_WORDS_FILE);
    expect(code).not.toContain('SortedWordList');
  });

  it('renders chosen pages for a reader of page images of its own, and rejects a page the document lacks', async () => {
    const sizes = await pool.renderPages(fixtureBytes(seed), { config: config(), pages: [3, 1], dpi: 72 }, async (raster, page) => `${page}: ${raster.width}x${raster.height}`);
    expect(sizes).toEqual({ kind: 'rendered', pageCount: 3, pages: new Map([[3, '3: 596x842'], [1, '1: 596x842']]) });
    expect(await pool.renderPages(fixtureBytes(seed), { config: config(), pages: [4] }, async () => 'never')).toEqual({
      kind: 'rejected',
      rejection: { code: 'pdf.no_such_page', message: 'The PDF has no page 4; it has 3.' },
      pages: 3,
    });
  });

  it('rejects a page that would render past the pixel limit before any canvas is made', async () => {
    const { record } = await pool.extract(fixtureBytes(mixed), basename(mixed.path), { config: config({ maxRenderPixels: 1_000_000 }, 'auto'), ocr: new PageSizes(), now });
    expect(record.status).toBe('rejected');
    expect(record.issues).toEqual([
      {
        path: 'document',
        code: 'limit.render_size',
        message: 'Page 2 would be 2481 × 3508 pixels at 300 dpi, more than the limit of 1000000 pixels for a page rendered for OCR (EXTRACTION_MAX_RENDER_PIXELS).',
      },
    ]);
  });

  it('stops a reader that passes its memory limit, within a few MiB of it, and reads the next document with a fresh one', async () => {
    const bytes = hostile('jbig2-symbol-dictionary.pdf');
    const { record, text } = await pool.extract(bytes, 'bomb.pdf', { config: config({ memoryMiB: 256 }) });
    expect(text).toBe('');
    expect(record).toMatchObject({ fileName: 'bomb.pdf', status: 'rejected', pages: 1, agreement: {} });
    expect(record.issues).toHaveLength(1);
    expect(record.issues[0]).toMatchObject({ path: 'document', code: 'limit.memory' });
    const stoppedAt = Number(/(\d+) MiB when it was stopped while reading page 1/.exec(record.issues[0]!.message)?.[1]);
    expect(stoppedAt).toBeGreaterThan(256);
    expect(stoppedAt).toBeLessThan(256 + 32);
    expect(record.issues[0]!.message).toContain('more than the limit of 256 MiB of memory (EXTRACTION_MEMORY_MIB');
    expect((await pool.extract(fixtureBytes(seed), 'seed.pdf', { config: config() })).record.status).toBe('valid');
  });

  it('stops a reader stuck on one page after the page time limit, and one slow overall after the document limit', async () => {
    const started = Date.now();
    const stuck = await pool.extract(hostile('endless-content.pdf'), 'endless.pdf', { config: config({ pageTimeoutMs: 1500 }) });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(stuck.record.issues).toEqual([
      {
        path: 'document',
        code: 'limit.time',
        message: 'Page 1 took longer than the limit of 1.5 s for one page (EXTRACTION_PAGE_TIMEOUT_MS), so reading was stopped. The file may be damaged or built to make PDF readers hang.',
      },
    ]);
    const slow = await pool.extract(hostile('endless-content.pdf'), 'endless.pdf', { config: config({ timeoutMs: 1500 }) });
    expect(slow.record.issues).toEqual([
      {
        path: 'document',
        code: 'limit.time',
        message: 'Reading the document took longer than the limit of 1.5 s for one document (EXTRACTION_TIMEOUT_MS), so it was stopped.',
      },
    ]);
  });

  it('does not count the time a page waits for OCR against the page limit', async () => {
    // An engine that takes over twice the page limit to read a page, as a busy OCR pool may; the limit
    // itself leaves the reader time to render the page.
    const slowOcr: OcrEngine = {
      name: 'slow',
      recognize: async (render) => {
        const raster = await render();
        await new Promise((resolve) => setTimeout(resolve, 11_000));
        return { reader: 'tesseract', lines: [], geometry: [], size: { width: raster.width, height: raster.height }, confidence: 0.9 };
      },
      close: async () => undefined,
    };
    const { record } = await pool.extract(fixtureBytes(mixed), basename(mixed.path), { config: config({ pageTimeoutMs: 5000 }, 'auto'), ocr: slowOcr });
    expect(record.issues.map((issue) => issue.code)).not.toContain('limit.time');
    expect(record.textSource).toBe('mixed');
  }, 30_000);

  it('turns a reader that dies under a document into a rejected record, and goes on', async () => {
    const reading = pool.extract(hostile('endless-content.pdf'), 'endless.pdf', { config: config({ pageTimeoutMs: 60_000 }) });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const readers = readerPids();
    expect(readers.length).toBeGreaterThan(0);
    // Whichever reader has the document: a busy one uses the CPU; kill every reader, as a crash would.
    for (const pid of readers) process.kill(pid, 'SIGSEGV');
    const { record } = await reading;
    expect(record.issues).toEqual([
      { path: 'document', code: 'pdf.unreadable', message: 'The PDF reader stopped unexpectedly on this file (signal SIGSEGV while reading page 1); the file may be damaged.' },
    ]);
    expect((await pool.extract(fixtureBytes(seed), 'seed.pdf', { config: config() })).record.status).toBe('valid');
  });

  it('keeps no more readers than documents read at once, each one reused', async () => {
    const ids = await Promise.all(Array.from({ length: 6 }, () => pool.extract(fixtureBytes(seed), 'seed.pdf', { config: config() })));
    expect(new Set(ids.map(({ record }) => record.status))).toEqual(new Set(['valid']));
    expect(readerPids().length).toBeLessThanOrEqual(2);
  });

  it('stops its readers when closed', async () => {
    const own = new ReaderPool(1);
    await own.extract(fixtureBytes(seed), 'seed.pdf', { config: config() });
    const before = readerPids();
    await own.close();
    const after = readerPids();
    expect(before.length - after.length).toBe(1);
  });
});
