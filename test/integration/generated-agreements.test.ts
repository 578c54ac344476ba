import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalogue } from '../../fixtures/generator/catalogue.js';
import { expectedAgreement } from '../../fixtures/generator/expected.js';
import { renderAgreement } from '../../fixtures/generator/render-digital.js';
import { extractionConfigSchema } from '../../shared/config.js';
import { GEBIETSKOERPERSCHAFTEN } from '../../shared/data/gebietskoerperschaften.js';
import { extractDocument } from '../../shared/extract-document.js';

/**
 * Agreements the fixtures do not hold: for random seeds, recipients and years, the generator lays out an
 * agreement (wording, amount notation, measures and projects, list and signature layout, fonts, page
 * breaks, headers and footers all drawn at random) and the extraction must give exactly the record its
 * spec describes. fast-check reports the seed of any agreement that fails, so it can be made again.
 */
const config = extractionConfigSchema.parse({ ocr: 'never' });

describe('generated digital agreements', () => {
  it('are read field by field as their spec says, whatever the random layout', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.constantFrom(...GEBIETSKOERPERSCHAFTEN.map((entry) => entry.name)),
        fc.integer({ min: 2011, max: 2026 }),
        async (seed, recipient, year) => {
          const spec = catalogue(seed).extra('generated.pdf', year, recipient);
          const { bytes } = await renderAgreement(spec);
          const record = await extractDocument(bytes, 'generated.pdf', { config });
          expect(record.issues).toEqual([]);
          expect(record.status).toBe('valid');
          expect(record.agreement).toEqual(expectedAgreement(spec));
        },
      ),
      { numRuns: 150 },
    );
  }, 300_000);
});
