import { MiB } from './digest.js';

/**
 * Files in flight at once unless told otherwise, chosen with `npm run bench:upload`: 210 agreements to
 * the local deployment with the pipeline busy took 14.1 s at 4, 10.5 s at 8, 11.9 s at 10 and 11.4 s
 * at 16; more only adds contention with the pipeline for the same cores.
 */
export const DEFAULT_UPLOAD_CONCURRENCY = 8;
export const DEFAULT_PART_SIZE = 8 * MiB;
export const DEFAULT_RETRIES = 4;
