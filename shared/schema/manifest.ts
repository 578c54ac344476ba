import { z } from 'zod';

/**
 * `batches/<batch>/manifest.json`, written by `agreements upload` before the first file: how many
 * documents the batch expects, and each file's key, size and SHA-256. A second run of the same batch
 * merges its files in (`updatedAt`).
 */
export const batchManifestSchema = z.object({
  batch: z.string().min(1),
  createdAt: z.string(),
  updatedAt: z.string().optional(),
  expected: z.number().int().nonnegative(),
  files: z.array(z.object({ path: z.string(), key: z.string(), bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
});
export type BatchManifest = z.infer<typeof batchManifestSchema>;
