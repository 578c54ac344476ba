import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The reader's entry beside this module: compiled JavaScript (dist/), or a bundle's .mjs (a Lambda
 * function's asset). Run from TypeScript source (tests, tsx), the reader is bundled to one JavaScript
 * file with esbuild first, once per process: a reader started through tsx's loader would spend hundreds
 * of MiB on it, a good part of its memory limit.
 */
let sourceBundle: Promise<string> | undefined;
export async function readerEntry(): Promise<string> {
  const folder = fileURLToPath(new URL('.', import.meta.url));
  for (const name of ['reader-process.js', 'reader-process.mjs']) {
    if (existsSync(join(folder, name))) return join(folder, name);
  }
  sourceBundle ??= (async () => {
    const { build } = await import('esbuild');
    const built = await build({
      entryPoints: [join(folder, 'reader-process.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      write: false,
      logLevel: 'silent',
    });
    const code = built.outputFiles[0]!.contents;
    // Beside the project's node_modules, which the bundle imports its packages from; named by content,
    // so that concurrent runs from different versions of the source never share a file.
    const cache = join(folder, '..', '..', 'node_modules', '.cache', 'readers');
    const path = join(cache, `reader-process-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
    if (!existsSync(path)) {
      await mkdir(cache, { recursive: true });
      const partial = `${path}.${process.pid}`;
      await writeFile(partial, code);
      await rename(partial, path);
    }
    return path;
  })();
  return sourceBundle;
}
