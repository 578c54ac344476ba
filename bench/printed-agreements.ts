import { expectedAgreement } from '../fixtures/generator/expected.js';
import { printableAgreement, printAgreement, scanOfPrinted } from '../fixtures/generator/render-html.js';
import type { ExtractionConfig } from '../shared/config.js';
import { extractDocument } from '../shared/extract/extract-document.js';
import type { OcrEngine } from '../shared/ocr/engine.js';
import type { AgreementRecord } from '../shared/schema/record.js';
import { launchBrowser } from '../test/support/browser.js';
import { type Accuracy, accuracy } from './field-accuracy.js';

/**
 * Field accuracy on agreements the fixtures are not made of: laid out as HTML and printed by Chromium
 * (drawn bullets, justified lists, table signatures, other fonts), read as they are and as scans (at 300
 * and 200 dpi by turns), with recipients, years and layouts drawn from seeds no test uses. The nearest
 * this machine comes to agreements nobody here has seen.
 */
export async function printedAgreementAccuracy(
  config: ExtractionConfig,
  ocr: OcrEngine,
  counts: { digital: number; scanned: number },
): Promise<{ digital: Accuracy; scanned: Accuracy }> {
  const browser = await launchBrowser();
  type Pair = { actual: AgreementRecord; expected: AgreementRecord };
  const pairs: { digital: Pair[]; scanned: Pair[] } = { digital: [], scanned: [] };
  try {
    for (let index = 0; index < counts.digital + counts.scanned; index++) {
      const { spec, random } = printableAgreement(900_001 + index * 7_919);
      const printed = await printAgreement(browser, spec, random);
      const scanned = index >= counts.digital;
      const bytes = scanned ? await scanOfPrinted(printed, index % 2 === 0 ? 300 : 200, random) : printed;
      const actual = await extractDocument(bytes, spec.fileName, { config, ocr });
      const expected: AgreementRecord = { ...actual, status: 'valid', agreement: expectedAgreement(spec), issues: [] };
      pairs[scanned ? 'scanned' : 'digital'].push({ actual, expected });
    }
  } finally {
    await browser.close();
  }
  return { digital: accuracy(pairs.digital), scanned: accuracy(pairs.scanned) };
}
