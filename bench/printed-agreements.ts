import { catalogue } from '../fixtures/generator/catalogue.js';
import { expectedAgreement } from '../fixtures/generator/expected.js';
import { Random } from '../fixtures/generator/random.js';
import { printAgreement } from '../fixtures/generator/render-html.js';
import { imagePdf, scanPages } from '../fixtures/generator/scan.js';
import type { ExtractionConfig } from '../shared/config.js';
import { GEBIETSKOERPERSCHAFTEN } from '../shared/data/gebietskoerperschaften.js';
import { extractDocument } from '../shared/extract/extract-document.js';
import type { OcrEngine } from '../shared/ocr/engine.js';
import type { AgreementRecord } from '../shared/schema/record.js';
import { launchBrowser } from '../test/support/browser.js';
import { type Accuracy, accuracy } from './field-accuracy.js';

/**
 * Field accuracy on agreements the fixtures are not made of: laid out as HTML and printed by Chromium
 * (drawn bullets, justified lists, table signatures, other fonts), read as they are and as scans, with
 * recipients, years and layouts drawn from seeds no test uses. The nearest this machine comes to
 * agreements nobody here has seen.
 */
export async function printedAgreementAccuracy(
  config: ExtractionConfig,
  ocr: OcrEngine,
  counts: { digital: number; scanned: number },
): Promise<{ digital: Accuracy; scanned: Accuracy }> {
  const browser = await launchBrowser();
  const pairs = { digital: [] as { actual: AgreementRecord; expected: AgreementRecord }[], scanned: [] as { actual: AgreementRecord; expected: AgreementRecord }[] };
  try {
    for (let index = 0; index < counts.digital + counts.scanned; index++) {
      const seed = 900_001 + index * 7_919;
      const random = new Random(seed);
      const spec = catalogue(seed).extra(`printed-${seed}.pdf`, random.int(2011, 2026), random.pick(GEBIETSKOERPERSCHAFTEN).name);
      let bytes = await printAgreement(browser, spec, random);
      const scanned = index >= counts.digital;
      if (scanned) {
        const pages = (bytes.toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length;
        const dpi = index % 2 === 0 ? 300 : 200;
        const images = await scanPages(bytes, Array.from({ length: pages }, (_, page) => page + 1), [], { dpi, maxRotation: 1, noise: 0.002, jpegQuality: 0.6, stampText: 'KREISAUSSCHUSS' }, random);
        bytes = await imagePdf(images);
      }
      const actual = await extractDocument(bytes, spec.fileName, { config, ocr });
      const expected: AgreementRecord = { ...actual, status: 'valid', agreement: expectedAgreement(spec), issues: [] };
      pairs[scanned ? 'scanned' : 'digital'].push({ actual, expected });
    }
  } finally {
    await browser.close();
  }
  return { digital: accuracy(pairs.digital), scanned: accuracy(pairs.scanned) };
}
