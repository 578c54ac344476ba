import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractionConfigSchema } from '../../shared/config.js';
import { ReaderPool } from '../../shared/isolation/reader-pool.js';
import { TesseractOcrEngine } from '../../shared/ocr/tesseract.js';
import { type AgreementRecord, agreementRecordSchema } from '../../shared/schema/record.js';
import { expectBoxesHoldTheirValues, expectEvidenceForEveryValue } from '../support/evidence.js';
import { fixtureBytes, loadFixtures } from '../support/fixtures.js';
import { seedExpectedRecord } from '../support/seed.js';

/**
 * Every fixture through the real extraction as the product runs it (a reader process per document:
 * pdf-parse and pdf.js text layer, pages rendered there and read by tesseract.js here), compared with
 * its expected record field by field. Documents are extracted once, up front, two at a time.
 */
const fixtures = loadFixtures();
const ocr = new TesseractOcrEngine();
const readers = new ReaderPool(2);
const config = extractionConfigSchema.parse({});
const now = () => new Date('2026-11-25T00:00:00Z');
const records = new Map<string, AgreementRecord>();

beforeAll(async () => {
  await Promise.all(
    fixtures.map(async (fixture) => {
      records.set(fixture.path, (await readers.extract(fixtureBytes(fixture), basename(fixture.path), { config, ocr, now })).record);
    }),
  );
});

afterAll(async () => {
  await Promise.all([ocr.close(), readers.close()]);
});

describe('the seed PDF', () => {
  it('yields exactly the expected record, documentId and pages aside', () => {
    const record = records.get('digital/zielvereinbarung-2025-main-taunus-kreis.pdf');
    const { documentId: _id, pages: _pages, ...expected } = seedExpectedRecord();
    expect(record).toMatchObject(expected);
    expect(record?.agreement).toEqual(expected.agreement);
    expect(record?.pages).toBe(3);
    expect(record?.documentId).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe('digital agreements', () => {
  const digital = fixtures.filter((fixture) => fixture.category === 'digital');

  it('are many and varied: one for every budget year from 2011 to 2026 but 2012, 2014 and 2017, each with another recipient', () => {
    expect(digital).toHaveLength(13);
    expect(new Set(digital.map((fixture) => fixture.expected.agreement.budgetYear))).toEqual(new Set([2011, 2013, 2015, 2016, 2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026]));
    expect(new Set(digital.map((fixture) => fixture.expected.agreement.parties?.[1]?.name)).size).toBe(13);
  });

  describe.each(digital.map((fixture) => [fixture.path, fixture] as const))('%s', (path, fixture) => {
    const record = () => records.get(path)!;
    const expected = fixture.expected;

    it('has the document facts', () => {
      expect(agreementRecordSchema.safeParse(record()).success).toBe(true);
      expect(record().documentId).toBe(expected.documentId);
      expect(record().fileName).toBe(expected.fileName);
      expect(record().textSource).toBe(expected.textSource);
      expect(record().pages).toBe(expected.pages);
    });
    it('has title, program and budget year', () => {
      expect(record().agreement.title).toBe(expected.agreement.title);
      expect(record().agreement.program).toBe(expected.agreement.program);
      expect(record().agreement.budgetYear).toBe(expected.agreement.budgetYear);
    });
    it('has the parties', () => {
      expect(record().agreement.parties).toEqual(expected.agreement.parties);
    });
    it('has the amount', () => {
      expect(record().agreement.amount).toEqual(expected.agreement.amount);
    });
    it('has the measures and projects', () => {
      expect(record().agreement.measures).toEqual(expected.agreement.measures);
    });
    it('has the signatures', () => {
      expect(record().agreement.signatures).toEqual(expected.agreement.signatures);
    });
    it('has the status and issues', () => {
      expect(record().issues.map((issue) => issue.code)).toEqual(expected.issues.map((issue) => issue.code));
      expect(record().status).toBe(expected.status);
    });
    it('has evidence for every value, read from the text layer', () => {
      expectEvidenceForEveryValue(record());
      expect(new Set(record().evidence?.map((evidence) => [evidence.source, evidence.confidence].join()))).toEqual(new Set(['pdf-text,1']));
    });
    it('places the amount, year, dates and recipient where pdf.js finds them on the page', async () => {
      await expectBoxesHoldTheirValues(fixtureBytes(fixture), record());
    });
  });
});

/**
 * OCR misreads a letter here and there, so scans are held exactly to the fields that decide money,
 * validity and structure; their field accuracy over all values is measured by `npm run bench`.
 */
describe.each(['scanned', 'mixed'] as const)('%s agreements', (category) => {
  const ofCategory = fixtures.filter((fixture) => fixture.category === category);

  it('exist', () => {
    expect(ofCategory).toHaveLength(category === 'scanned' ? 5 : 2);
  });

  describe.each(ofCategory.map((fixture) => [fixture.path, fixture] as const))('%s', (path, fixture) => {
    const record = () => records.get(path)!;
    const expected = fixture.expected;

    it('has the document facts', () => {
      expect(agreementRecordSchema.safeParse(record()).success).toBe(true);
      expect(record().documentId).toBe(expected.documentId);
      expect(record().textSource).toBe(expected.textSource);
      expect(record().pages).toBe(expected.pages);
    });
    it('has the budget year, the recipient and the amount exactly', () => {
      expect(record().agreement.budgetYear).toBe(expected.agreement.budgetYear);
      expect(record().agreement.parties?.find((party) => party.role === 'recipient')).toEqual(
        expected.agreement.parties?.find((party) => party.role === 'recipient'),
      );
      expect(record().agreement.amount).toEqual(expected.agreement.amount);
    });
    it('has every measure, numbered', () => {
      expect(record().agreement.measures?.map((measure) => measure.number)).toEqual(expected.agreement.measures?.map((measure) => measure.number));
      expect(record().agreement.measures?.map((measure) => measure.projects.length)).toEqual(
        expected.agreement.measures?.map((measure) => measure.projects.length),
      );
    });
    it('has who signed where and when', () => {
      const when = (signatures: AgreementRecord['agreement']['signatures']) => signatures?.map(({ party, date }) => ({ party, date }));
      expect(when(record().agreement.signatures)).toEqual(when(expected.agreement.signatures));
    });
    it('has evidence for every value, from OCR where the page is a scan', () => {
      expectEvidenceForEveryValue(record());
      const sources = new Set(record().evidence?.map((evidence) => evidence.source));
      expect(sources).toEqual(new Set(category === 'scanned' ? ['tesseract'] : ['pdf-text', 'tesseract']));
      for (const evidence of record().evidence ?? []) {
        if (evidence.source === 'tesseract') expect(evidence.confidence).toBeLessThan(1);
      }
    });
  });
});

describe('bad inputs', () => {
  const bad = fixtures.filter((fixture) => fixture.category === 'bad');

  it.each(bad.map((fixture) => [fixture.path, fixture] as const))('%s yields the expected record', (path, fixture) => {
    const record = records.get(path)!;
    const expected = fixture.expected;
    expect(agreementRecordSchema.safeParse(record).success).toBe(true);
    expect(record.documentId).toBe(expected.documentId);
    expect(record.fileName).toBe(expected.fileName);
    expect(record.status).toBe(expected.status);
    // Code and message word for word: the message is what a person is told about the file.
    expect(record.issues).toEqual(expected.issues);
    if (expected.status === 'rejected') {
      expect(record.agreement).toEqual({});
    } else {
      expect(record.agreement).toEqual(expected.agreement);
    }
  });
});
