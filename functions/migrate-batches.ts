import type { Context } from 'aws-lambda';
import { migrateLegacyBatches } from '../shared/store/batch-migration.js';
import { migrateBatchesDependencies } from './commons/pipeline.js';
import { logger } from './commons/powertools.js';

/** Run by the deployment: moves batches tracked in sets on their head item to member items (see batch-migration.ts). */
const { tracker, records } = migrateBatchesDependencies(process.env);

export const handler = async (_event: unknown, context: Context) => {
  logger.addContext(context);
  const migrations = await migrateLegacyBatches(tracker, records, new Date());
  for (const migration of migrations) logger.info('batch migrated', { ...migration });
  const unresolved = migrations.filter((migration) => migration.unresolved.length > 0);
  if (unresolved.length > 0) logger.warn('keys without a record kept in their batch sets', { batches: unresolved.map((migration) => migration.batchId) });
  return { batches: migrations.length, unresolved: unresolved.length };
};
