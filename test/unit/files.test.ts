import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPdfFiles, UsageError } from '../../cli/files.js';

const PDF = '%PDF-1.7\n%%EOF\n';

/** A folder tree from relative paths to contents; a value `{ link }` makes a symbolic link to that target. */
function tree(entries: Record<string, string | Buffer | { link: string }>): { root: string; at: (relative: string) => string } {
  const root = mkdtempSync(join(tmpdir(), 'find-pdf-'));
  const at = (relative: string) => join(root, relative);
  for (const [relative, content] of Object.entries(entries)) {
    mkdirSync(join(at(relative), '..'), { recursive: true });
    if (typeof content === 'string' || Buffer.isBuffer(content)) writeFileSync(at(relative), content);
    else symlinkSync(content.link, at(relative));
  }
  return { root, at };
}

describe('findPdfFiles', () => {
  it('walks folders in name order for *.pdf in any case, listing what it passes over and why', async () => {
    const { root, at } = tree({
      'b.PDF': PDF,
      'a/z.pdf': PDF,
      'a/notes.txt': 'x',
      '.hidden/c.pdf': PDF,
      'a/.~lock.z.pdf#': 'x',
      '._b.pdf': 'x',
    });
    const found = await findPdfFiles([root], { namedFiles: 'any' });
    expect(found.root).toBe(root);
    expect(found.files).toEqual([
      { path: at('a/z.pdf'), relativePath: 'a/z.pdf' },
      { path: at('b.PDF'), relativePath: 'b.PDF' },
    ]);
    expect(found.skipped).toEqual([
      { path: at('._b.pdf'), reason: 'hidden file' },
      { path: at('.hidden'), reason: 'hidden folder' },
      { path: at('a/.~lock.z.pdf#'), reason: 'hidden file' },
      { path: at('a/notes.txt'), reason: 'not a .pdf file' },
    ]);
    expect(found.foldersWithoutPdf).toEqual([]);
  });

  it('follows symbolic links to files and folders, and walks no folder twice, loops included', async () => {
    const elsewhere = tree({ 'scan.pdf': PDF, 'deeper/more.pdf': PDF });
    const { root, at } = tree({
      'linked.pdf': { link: join(elsewhere.root, 'scan.pdf') },
      'archive': { link: elsewhere.root },
      'again': { link: elsewhere.root },
      'archive-loop/x.pdf': PDF,
      'archive-loop/up': { link: '..' },
      'gone.pdf': { link: '/no/such/file.pdf' },
    });
    const found = await findPdfFiles([root], { namedFiles: 'any' });
    // 'again' comes before 'archive' in name order, so it is the path the shared folder is walked by.
    expect(found.files.map((file) => file.relativePath)).toEqual(['again/deeper/more.pdf', 'again/scan.pdf', 'archive-loop/x.pdf', 'linked.pdf']);
    expect(found.files[0]?.path).toBe(at('again/deeper/more.pdf'));
    expect(found.skipped).toEqual([
      { path: at('archive'), reason: `folder already walked as ${at('again')}` },
      { path: at('archive-loop/up'), reason: `symbolic link loop: it leads back to ${root}` },
      { path: at('gone.pdf'), reason: 'broken symbolic link' },
    ]);
  });

  it('takes a named file whatever its name for extract, and only a PDF by its content for upload', async () => {
    const { root, at } = tree({ 'notes.txt': 'Sehr geehrte Damen und Herren', 'scan.bin': PDF, 'picture.pdf': Buffer.from('\x89PNG\r\n\x1a\n', 'latin1') });
    const named = [at('notes.txt'), at('scan.bin'), at('picture.pdf')];
    expect((await findPdfFiles(named, { namedFiles: 'any' })).files.map((file) => file.relativePath)).toEqual(['notes.txt', 'scan.bin', 'picture.pdf']);
    const forUpload = await findPdfFiles(named, { namedFiles: 'pdf-content' });
    expect(forUpload.root).toBe(root);
    expect(forUpload.files).toEqual([{ path: at('scan.bin'), relativePath: 'scan.bin' }]);
    expect(forUpload.skipped).toEqual([
      { path: at('notes.txt'), reason: 'not a PDF: it has no %PDF- header and looks like plain text' },
      { path: at('picture.pdf'), reason: 'not a PDF: it has no %PDF- header and looks like a PNG image' },
    ]);
  });

  it('names a named folder that holds no PDF, and fails on a path that does not exist', async () => {
    const { at } = tree({ 'empty/notes.txt': 'x', 'full/a.pdf': PDF });
    const found = await findPdfFiles([at('empty'), at('full')], { namedFiles: 'any' });
    expect(found.files.map((file) => file.relativePath)).toEqual(['full/a.pdf']);
    expect(found.foldersWithoutPdf).toEqual([at('empty')]);
    await expect(findPdfFiles([at('missing')], { namedFiles: 'any' })).rejects.toThrow(new UsageError(`no such file or folder: ${at('missing')}`));
    await expect(findPdfFiles([], { namedFiles: 'any' })).rejects.toThrow(UsageError);
  });
});
