import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { recordJsonSchema } from '../../shared/schema/json-schema.js';
import { agreementRecordSchema } from '../../shared/schema/record.js';
import { seedExpectedRecord } from '../support/seed.js';

describe('record schema', () => {
  it('accepts the contract example once it has a real document id', () => {
    const record = { ...seedExpectedRecord(), documentId: `sha256:${'a'.repeat(64)}` };
    expect(agreementRecordSchema.parse(record)).toEqual(record);
  });

  it('refuses a record outside the contract', () => {
    const record = seedExpectedRecord();
    expect(agreementRecordSchema.safeParse(record).success).toBe(false); // placeholder document id
    const wrongStatus = { ...record, documentId: `sha256:${'a'.repeat(64)}`, status: 'ok' };
    expect(agreementRecordSchema.safeParse(wrongStatus).success).toBe(false);
  });

  it('keeps the committed JSON Schema in step with the zod schema (npm run schema regenerates it)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../shared/schema/record.schema.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(recordJsonSchema());
  });
});
