import { z } from 'zod';
import { agreementRecordSchema } from './record.js';

export function recordJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(agreementRecordSchema, { target: 'draft-2020-12' }),
    title: 'Zielvereinbarung extraction record',
  };
}
