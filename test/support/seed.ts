import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AgreementRecord } from '../../shared/schema/record.js';

/** The canonical example beside the checkout: the 2025 agreement with the Main-Taunus-Kreis. */
const seedFolder = fileURLToPath(new URL('../../../shared/seed/', import.meta.url));

/** The seed's Markdown as the plain lines a text layer gives: no markup, bullets as "- ". */
export function seedLines(): string[] {
  return readFileSync(`${seedFolder}zielvereinbarung-2025-main-taunus-kreis.md`, 'utf8')
    .split('\n')
    .map((line) => line.replace(/^#+\s*/, '').replace(/\*\*/g, '').replace(/^\s+-\s/, '- ').trim());
}

export function seedExpectedRecord(): AgreementRecord {
  return JSON.parse(readFileSync(`${seedFolder}zielvereinbarung-2025-main-taunus-kreis.expected.json`, 'utf8'));
}
