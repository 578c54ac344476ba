import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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
