import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, closeSync, rmSync, statSync } from 'node:fs';
import { arch, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHITECTURES, functionEnvironment, type PipelineFunctionId, pipelineFunctions, synthesizeApp } from '../support/template.js';

/**
 * The functions as they are shipped: each configuration's assets bundled as `cdk synth` bundles them
 * (esbuild, then npm installing the packages that ship beside the bundle, for the function's
 * architecture), then read for the native bindings they hold and, for this machine's architecture,
 * loaded as the Lambda runtime loads them.
 */
const run = promisify(execFile);

interface BundledFunction {
  id: PipelineFunctionId;
  directory: string;
  environment: Record<string, string>;
}

const outdir = mkdtempSync(join(tmpdir(), 'bundles-'));
const bundled = new Map<string, BundledFunction[]>();
const configurations = ARCHITECTURES.flatMap((architecture) => (['textract', 'tesseract'] as const).map((ocr) => ({ architecture, ocr })));
const nameOf = ({ architecture, ocr }: { architecture: string; ocr: string }) => `${ocr}-${architecture}`;

beforeAll(async () => {
  for (const configuration of configurations) {
    const directory = join(outdir, nameOf(configuration));
    const template = await synthesizeApp(configuration, directory);
    bundled.set(
      nameOf(configuration),
      pipelineFunctions(template).map(({ id, logicalId, resource }) => ({
        id,
        directory: join(directory, resource.Metadata!['aws:asset:path'] as string),
        environment: functionEnvironment(template, logicalId),
      })),
    );
  }
}, 600_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

function filesUnder(directory: string): string[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(directory, join(entry.parentPath, entry.name)));
}

/** The machine an ELF shared object is built for, from its header's e_machine field. */
function elfMachine(path: string): string {
  const header = Buffer.alloc(20);
  const descriptor = openSync(path, 'r');
  readSync(descriptor, header, 0, 20, 0);
  closeSync(descriptor);
  const machine = header.readUInt16LE(18);
  return machine === 62 ? 'x86_64' : machine === 183 ? 'arm64' : `machine ${machine}`;
}

const NPM_CPU = { arm64: 'arm64', x86_64: 'x64' } as const;

/** The report function and the batch migration read no PDF. */
const readsNoPdf = (id: PipelineFunctionId) => id === 'Report' || id === 'MigrateBatches';

describe('bundled functions', () => {
  for (const configuration of configurations) {
    const { architecture, ocr } = configuration;

    it(`holds native bindings for ${architecture} only where ocr=${ocr} renders pages, and none elsewhere`, () => {
      const functions = bundled.get(nameOf(configuration))!;
      expect(functions.map((fn) => fn.id).sort()).toEqual(ocr === 'textract' ? ['Ingest', 'MigrateBatches', 'OcrComplete', 'Report'] : ['Ingest', 'MigrateBatches', 'Report']);
      for (const fn of functions) {
        const files = filesUnder(fn.directory);
        const bindings = files.filter((file) => file.endsWith('.node'));
        if (fn.id === 'Ingest' && ocr === 'tesseract') {
          // One canvas binding, for the function's architecture.
          expect(bindings).toEqual([`node_modules/@napi-rs/canvas-linux-${NPM_CPU[architecture]}-gnu/skia.linux-${NPM_CPU[architecture]}-gnu.node`]);
          expect(elfMachine(join(fn.directory, bindings[0]!))).toBe(architecture);
          expect(files.filter((file) => file.endsWith('@napi-rs/canvas/package.json'))).toEqual(['node_modules/@napi-rs/canvas/package.json']);
          expect(existsSync(join(fn.directory, 'node_modules/tesseract.js/package.json'))).toBe(true);
        } else {
          expect(bindings, `${fn.id} never renders a page`).toEqual([]);
          expect(files.filter((file) => file.includes('@napi-rs/') || file.includes('tesseract')), fn.id).toEqual([]);
        }
        // A function that reads no PDF ships nothing beside its bundle.
        if (readsNoPdf(fn.id)) expect(files.filter((file) => file.startsWith('node_modules/'))).toEqual([]);
        // One that reads PDFs checks the words OCR read against the German word list the build wrote, beside
        // its bundle, the list the project's build holds; the dictionary it was made from stays behind.
        else {
          expect(files.filter((file) => file.includes('german-words')), fn.id).toEqual(['german-words.txt']);
          expect(readFileSync(join(fn.directory, 'german-words.txt')).equals(readFileSync(new URL('../../dist/german-words.txt', import.meta.url))), fn.id).toBe(true);
        }
        expect(files.filter((file) => file.startsWith('node_modules/dictionary-de/') || file.startsWith('node_modules/nspell/')), fn.id).toEqual([]);
        // Its readers ask it: their bundle holds no word list loader.
        if (!readsNoPdf(fn.id)) expect(readFileSync(join(fn.directory, 'reader-process.mjs'), 'utf8'), fn.id).not.toContain('german-words.txt');
      }
    });

    it(`ships ocr=${ocr} for ${architecture} without source maps, type declarations or the packages' unused builds${ocr === 'textract' ? ', each function in at most 50 MB' : ''}`, () => {
      for (const fn of bundled.get(nameOf(configuration))!) {
        const files = filesUnder(fn.directory);
        expect(files.filter((file) => /\.map$|\.d\.[mc]?ts$/.test(file)), fn.id).toEqual([]);
        if (!readsNoPdf(fn.id)) {
          // What runs: pdf.js's legacy build, its worker, and pdf-parse's ESM build.
          expect(files.filter((file) => file.startsWith('node_modules/pdfjs-dist/') && file.endsWith('.mjs')).sort(), fn.id).toEqual([
            'node_modules/pdfjs-dist/legacy/build/pdf.mjs',
            'node_modules/pdfjs-dist/legacy/build/pdf.worker.mjs',
          ]);
          expect(files.filter((file) => file.startsWith('node_modules/pdf-parse/dist/') && !file.startsWith('node_modules/pdf-parse/dist/pdf-parse/esm/')), fn.id).toEqual([]);
        }
        // The default configuration is what users deploy: Lambda's limit is 250 MB, and cold starts grow with the asset.
        if (ocr === 'textract') expect(files.reduce((bytes, file) => bytes + statSync(join(fn.directory, file)).size, 0), fn.id).toBeLessThanOrEqual(50 * 1024 * 1024);
      }
    });

    if (architecture === (arch() === 'arm64' ? 'arm64' : 'x86_64')) {
      it(`loads every handler module of ocr=${ocr} on this machine, with the environment it is deployed with`, async () => {
        for (const fn of bundled.get(nameOf(configuration))!) {
          const loaded = await run(
            process.execPath,
            ['--input-type=module', '-e', 'const { handler } = await import(process.argv[1]); process.stdout.write(typeof handler);', join(fn.directory, 'index.mjs')],
            { env: { PATH: process.env.PATH, AWS_REGION: 'eu-central-1', ...fn.environment } },
          );
          expect(loaded.stdout, `${fn.id}: ${loaded.stderr}`).toBe('function');
          // pdf.js finds a DOMMatrix, from canvas or the pure-JavaScript one, and says nothing about it.
          expect(loaded.stderr, fn.id).not.toMatch(/DOMMatrix/);
        }
      }, 120_000);
    }
  }
});
