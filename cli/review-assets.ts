import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * The review web app's files, all served by the review server itself: the page, its style sheet, the
 * app bundled by esbuild from `web/review/` (pdf.js included), and pdf.js's worker with the data it
 * fetches (WebAssembly image decoders, standard fonts, CMaps, ICC profiles). Nothing is loaded from
 * anywhere else. The app is bundled when the server starts, so that it always matches the sources.
 */

export interface Asset {
  body: Buffer;
  contentType: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.pfb': 'application/octet-stream',
  '.ttf': 'font/ttf',
  '.bcmap': 'application/octet-stream',
  '.icc': 'application/vnd.iccprofile',
};

/** The project's root: the folder with package.json above this module (in the sources, or in dist/). */
function projectRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'package.json')) || !existsSync(join(folder, 'web'))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error('the review app\'s sources (web/review/) were not found above cli/');
    folder = parent;
  }
  return folder;
}

/** The files of one of pdf.js's data folders, under `/pdfjs/<folder>/`. */
function dataFolder(pdfjsRoot: string, folder: string): [string, Asset][] {
  return readdirSync(join(pdfjsRoot, folder))
    .filter((name) => CONTENT_TYPES[extname(name)] && !name.startsWith('LICENSE'))
    .map((name) => [`/pdfjs/${folder}/${name}`, { body: readFileSync(join(pdfjsRoot, folder, name)), contentType: CONTENT_TYPES[extname(name)]! }]);
}

/** Every file the app needs, by the path it is served at. */
export async function buildReviewAssets(): Promise<Map<string, Asset>> {
  const root = projectRoot();
  const web = join(root, 'web', 'review');
  const pdfjsRoot = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
  const bundled = await build({
    entryPoints: [join(web, 'main.ts')],
    bundle: true,
    format: 'esm',
    target: 'chrome120',
    minify: true,
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const file = (path: string, contentType: string): Asset => ({ body: readFileSync(path), contentType });
  return new Map<string, Asset>([
    ['/', file(join(web, 'index.html'), CONTENT_TYPES['.html']!)],
    ['/app.css', file(join(web, 'app.css'), CONTENT_TYPES['.css']!)],
    ['/app.js', { body: Buffer.from(bundled.outputFiles[0]!.contents), contentType: CONTENT_TYPES['.js']! }],
    ['/pdfjs/pdf.worker.min.mjs', file(join(pdfjsRoot, 'build', 'pdf.worker.min.mjs'), CONTENT_TYPES['.mjs']!)],
    ...['wasm', 'standard_fonts', 'cmaps', 'iccs'].flatMap((folder) => dataFolder(pdfjsRoot, folder)),
  ]);
}
