import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ExtractionConfig } from '../../shared/config.js';
import { PdfDocument, type PdfPageText } from '../../shared/pdf/document.js';
import type { AgreementRecord } from '../../shared/schema/record.js';

export const fixturesRoot = fileURLToPath(new URL('../../fixtures/', import.meta.url));

export type FixtureCategory = 'digital' | 'scanned' | 'mixed' | 'bad';

export interface Fixture {
  /** Path relative to fixtures/pdf. */
  path: string;
  category: FixtureCategory;
  expected: AgreementRecord;
}

interface IndexEntry {
  path: string;
  category: FixtureCategory;
  expected: string;
}

/** Every generated fixture with its expected record, as listed by the generator's index. */
export function loadFixtures(): Fixture[] {
  const index: IndexEntry[] = JSON.parse(readFileSync(`${fixturesRoot}expected/index.json`, 'utf8'));
  return index.map((entry) => ({
    path: entry.path,
    category: entry.category,
    expected: JSON.parse(readFileSync(`${fixturesRoot}expected/${entry.expected}`, 'utf8')),
  }));
}

export function fixtureBytes(fixture: Fixture): Buffer {
  return readFileSync(`${fixturesRoot}pdf/${fixture.path}`);
}

/** The seed agreement's fixture, its bytes and its text layer's pages, for readings made from them (Textract's, through its stand-in's shape). */
export async function seedTextLayer(config: ExtractionConfig): Promise<{ seed: Fixture; bytes: Buffer; texts: PdfPageText[] }> {
  const seed = loadFixtures().find((fixture) => fixture.expected.fileName === 'zielvereinbarung-2025-main-taunus-kreis.pdf')!;
  const bytes = fixtureBytes(seed);
  const document = await PdfDocument.open(bytes, config.limits);
  const texts = await document.pageTexts().finally(() => document.close());
  return { seed, bytes, texts };
}
