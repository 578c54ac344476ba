import { z } from 'zod';
import { extractionConfigFromEnv } from '../../shared/config.js';

/** What the pipeline's functions read from their environment, parsed once at cold start. */
const functionEnvironmentSchema = z.object({
  UPLOAD_BUCKET: z.string().min(1),
  RECORDS_TABLE: z.string().min(1),
});

export function functionSettings(env: Record<string, string | undefined>) {
  const parsed = functionEnvironmentSchema.parse(env);
  return { bucket: parsed.UPLOAD_BUCKET, tableName: parsed.RECORDS_TABLE, extraction: extractionConfigFromEnv(env) };
}
