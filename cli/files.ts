import { open, readdir, realpath, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { notPdfReason, PDF_HEADER_WINDOW } from '../shared/pdf/preflight.js';

export class UsageError extends Error {}

/**
 * Which files `extract` and `upload` take from the paths they are given, by the same rules:
 * - folders are walked recursively, in name order, for files named *.pdf (any case);
 * - symbolic links to files and folders are followed, as `aws s3 sync` follows them; a link back into
 *   the folders being walked (a loop), or to a folder already walked by another path, is not walked again;
 * - hidden entries (a leading '.': editor lock files, macOS resource forks) are passed over;
 * - a file named on the command line is always considered, whatever its name: `extract` reads it (and
 *   rejects it with a record if it is no PDF), `upload` sends it only if its content is a PDF.
 * Everything passed over is listed with the reason, and so is a named folder that holds no PDF at all.
 */

export interface FoundFile {
  /** As found: absolute, through symbolic links rather than resolved. */
  path: string;
  /** Relative to the deepest folder holding everything given, with forward slashes. */
  relativePath: string;
}

export interface SkippedEntry {
  path: string;
  reason: string;
}

export interface FoundFiles {
  /** The deepest folder holding all the given paths; relative paths are relative to it. */
  root: string;
  files: FoundFile[];
  skipped: SkippedEntry[];
  /** Named folders in which no PDF was found. */
  foldersWithoutPdf: string[];
}

export interface FindOptions {
  /** What a file named directly must be: anything (it is read and judged), or a PDF by its content. */
  namedFiles: 'any' | 'pdf-content';
}

const isPdfName = (name: string) => /\.pdf$/i.test(name);
const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The deepest folder that contains all the given folders. */
function commonFolder(folders: string[]): string {
  const split = folders.map((folder) => folder.split(sep));
  const first = split[0] ?? [];
  let length = first.length;
  for (const parts of split) {
    let index = 0;
    while (index < length && index < parts.length && parts[index] === first[index]) index++;
    length = index;
  }
  const joined = first.slice(0, length).join(sep);
  return joined === '' ? sep : joined;
}

/** Why a file is not a PDF by its first bytes, or undefined when it is one. */
async function notPdfContent(path: string): Promise<string | undefined> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(PDF_HEADER_WINDOW);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    return notPdfReason(head.subarray(0, bytesRead));
  } finally {
    await file.close();
  }
}

export async function findPdfFiles(paths: readonly string[], { namedFiles }: FindOptions): Promise<FoundFiles> {
  if (paths.length === 0) throw new UsageError('no files or folders given');
  const given: { path: string; folder: boolean }[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new UsageError(`no such file or folder: ${path}`);
    given.push({ path: resolve(path), folder: info.isDirectory() });
  }
  const root = commonFolder(given.map(({ path, folder }) => (folder ? path : dirname(path))));
  const files: FoundFile[] = [];
  const skipped: SkippedEntry[] = [];
  const foldersWithoutPdf: string[] = [];
  const taken = new Set<string>();
  /** Real path of every folder walked, and the path it was first walked by. */
  const walked = new Map<string, string>();
  let pdfsFound = 0;

  const take = (path: string) => {
    if (taken.has(path)) return;
    taken.add(path);
    files.push({ path, relativePath: relative(root, path).split(sep).join('/') });
  };

  /** Walks the folder unless it was walked before (false then). */
  const walk = async (folder: string, ancestors: readonly string[]): Promise<boolean> => {
    const real = await realpath(folder);
    if (ancestors.includes(real)) {
      skipped.push({ path: folder, reason: `symbolic link loop: it leads back to ${walked.get(real) ?? real}` });
      return false;
    }
    const earlier = walked.get(real);
    if (earlier !== undefined) {
      skipped.push({ path: folder, reason: `folder already walked as ${earlier}` });
      return false;
    }
    walked.set(real, folder);
    const entries = await readdir(folder, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      skipped.push({ path: folder, reason: `folder cannot be read (${error.code ?? error.message})` });
      return [];
    });
    entries.sort(byName);
    for (const entry of entries) {
      const path = join(folder, entry.name);
      let kind: 'folder' | 'file' | 'other' = entry.isDirectory() ? 'folder' : entry.isFile() ? 'file' : 'other';
      if (entry.isSymbolicLink()) {
        const target = await stat(path).catch(() => undefined);
        if (!target) {
          skipped.push({ path, reason: 'broken symbolic link' });
          continue;
        }
        kind = target.isDirectory() ? 'folder' : target.isFile() ? 'file' : 'other';
      }
      if (entry.name.startsWith('.')) skipped.push({ path, reason: kind === 'folder' ? 'hidden folder' : 'hidden file' });
      else if (kind === 'folder') await walk(path, [...ancestors, real]);
      else if (kind === 'other') skipped.push({ path, reason: 'not a regular file' });
      else if (isPdfName(entry.name)) {
        pdfsFound++;
        take(path);
      } else skipped.push({ path, reason: 'not a .pdf file' });
    }
    return true;
  };

  for (const { path, folder } of given) {
    if (folder) {
      const before = pdfsFound;
      if ((await walk(path, [])) && pdfsFound === before) foldersWithoutPdf.push(path);
    } else if (namedFiles === 'any') {
      take(path);
    } else {
      const notPdf = await notPdfContent(path).catch((error: NodeJS.ErrnoException) => `it cannot be read (${error.code ?? error.message})`);
      if (notPdf) skipped.push({ path, reason: `not a PDF: ${notPdf}` });
      else take(path);
    }
  }
  return { root, files, skipped, foldersWithoutPdf };
}
