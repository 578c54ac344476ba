import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `bench-results.json` at the repository root holds every bench's figures, one section each
 * (`extraction`, `upload`, `pipeline`, `archive`, …). A bench replaces its own section and keeps the
 * others, so that running one bench never erases another's last figures.
 */
export const BENCH_RESULTS_FILE = join(fileURLToPath(new URL('..', import.meta.url)), 'bench-results.json');

export function mergeBenchResults(section: string, figures: unknown, file = BENCH_RESULTS_FILE): void {
  const existing: Record<string, unknown> = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(file, `${JSON.stringify({ ...existing, [section]: { ...(figures as object), measuredAt: new Date().toISOString() } }, null, 2)}\n`);
}
