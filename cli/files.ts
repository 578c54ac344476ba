import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export class UsageError extends Error {}

/**
 * The files to process: files named on the command line as they are (whatever their extension), and
 * every *.pdf (any case) found by walking named folders, in a stable order.
 */
export async function collectPdfFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new UsageError(`no such file or folder: ${path}`);
    if (info.isDirectory()) files.push(...(await walk(resolve(path))));
    else files.push(resolve(path));
  }
  return [...new Set(files)];
}

async function walk(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const found: string[] = [];
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) found.push(...(await walk(path)));
    else if (entry.isFile() && /\.pdf$/i.test(entry.name)) found.push(path);
  }
  return found;
}
