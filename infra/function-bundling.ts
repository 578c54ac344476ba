import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { GERMAN_WORDS_FILE } from '../shared/extract/german-lexicon.js';

/**
 * How a function of the pipeline is bundled. What it does with a PDF decides the packages it ships
 * beside its bundle (they load files at run time): nothing (reports), reading the text layer and finding
 * the scanned pages (pdf.js), or also rendering scanned pages and reading them with tesseract.js (a
 * canvas binding and the German model). A function that reads PDFs also ships the German word list the
 * words OCR read are checked against (shared/extract/german-lexicon.ts), as the build wrote it.
 */
export type PdfWork = 'none' | 'read' | 'render';
export type Architecture = 'arm64' | 'x86_64';

const READ_PACKAGES = ['pdf-parse', 'pdfjs-dist'];
const RENDER_PACKAGES = [...READ_PACKAGES, 'tesseract.js', '@tesseract.js-data/deu', '@napi-rs/canvas'];

/** npm's names for the Lambda architectures, to install native bindings for the target, not the build machine. */
const NPM_CPU = { arm64: 'arm64', x86_64: 'x64' } as const;

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
/** Packages bundled into ESM may still call require(); give them one. */
const REQUIRE_BANNER = "import { createRequire as createRequireForBundle } from 'module'; const require = createRequireForBundle(import.meta.url);";
/** Each document is read in a reader process (shared/isolation), whose entry is bundled beside the handler. */
const READER_ENTRY = fileURLToPath(new URL('../shared/isolation/reader-process.ts', import.meta.url));
/** What bundles the reader from source in development; no bundle needs it. */
const DEVELOPMENT_ONLY = ['esbuild'];

/**
 * Parts of the shipped packages that nothing loads in Node: pdf.js's modern and browser builds, its
 * viewer, image decoders, webpack entry, scripting sandbox and minified copies (the legacy build's pdf.mjs and
 * pdf.worker.mjs are what runs, with the cmaps, fonts, ICC profiles and wasm decoders they load), and
 * pdf-parse's CommonJS, browser, worker and CLI builds (its ESM build is what is imported).
 */
const UNUSED_PACKAGE_PARTS = [
  'pdfjs-dist/build',
  'pdfjs-dist/web',
  'pdfjs-dist/types',
  'pdfjs-dist/image_decoders',
  'pdfjs-dist/webpack.mjs',
  'pdfjs-dist/legacy/web',
  'pdfjs-dist/legacy/image_decoders',
  'pdfjs-dist/legacy/build/pdf.min.mjs',
  'pdfjs-dist/legacy/build/pdf.worker.min.mjs',
  'pdfjs-dist/legacy/build/pdf.sandbox.mjs',
  'pdfjs-dist/legacy/build/pdf.sandbox.min.mjs',
  'pdf-parse/dist/pdf-parse/cjs',
  'pdf-parse/dist/pdf-parse/web',
  'pdf-parse/dist/worker',
  'pdf-parse/dist/node',
  'pdf-parse/bin',
];

/** Shell commands that leave in the asset's node_modules only what the function loads. */
function pruneCommands(pdfWork: PdfWork, nodeModules: string): string[] {
  if (pdfWork === 'none') return [];
  return [
    // pdf-parse brings a canvas binding of its own, which nothing loads (pdf.js loads the one beside it);
    // a function that reads PDFs but renders none needs neither, and pdf.js gets a pure-JavaScript
    // DOMMatrix instead.
    pdfWork === 'read'
      ? `find "${nodeModules}" -type d -name @napi-rs -prune -exec rm -rf {} +`
      : `rm -rf "${nodeModules}/pdf-parse/node_modules/@napi-rs"`,
    `rm -rf ${UNUSED_PACKAGE_PARTS.map((part) => `"${nodeModules}/${part}"`).join(' ')}`,
    // Source maps and type declarations serve development only.
    `find "${nodeModules}" -type f \\( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \\) -delete`,
  ];
}

/** The bundle of the reader entry, beside the handler's (reader-entry.ts looks for it there). */
function readerBundleCommand(input: string, output: string): string {
  return [
    'npx --no-install esbuild',
    `"${join(input, relative(projectRoot, READER_ENTRY))}"`,
    '--bundle --platform=node --format=esm --target=node22 --log-level=warning',
    ...[...RENDER_PACKAGES, ...DEVELOPMENT_ONLY].map((name) => `--external:${name}`),
    `"--banner:js=${REQUIRE_BANNER}"`,
    `"--outfile=${join(output, 'reader-process.mjs')}"`,
  ].join(' ');
}

/** The German word list, beside the handler's bundle (where german-lexicon.ts looks first). */
function wordListCommand(input: string, output: string): string {
  return `cp "${join(input, 'dist', GERMAN_WORDS_FILE)}" "${join(output, GERMAN_WORDS_FILE)}"`;
}

export function functionBundling(pdfWork: PdfWork, architecture: Architecture): BundlingOptions {
  return {
    format: OutputFormat.ESM,
    target: 'node22',
    // The AWS SDK is bundled (a pinned version; emulators' Node.js runtimes do not provide one); the
    // packages that load files at run time ship beside the bundle where the function uses them, and are
    // left out everywhere else.
    nodeModules: pdfWork === 'render' ? RENDER_PACKAGES : pdfWork === 'read' ? READ_PACKAGES : [],
    externalModules: [...RENDER_PACKAGES, ...DEVELOPMENT_ONLY],
    // Native bindings for the architecture the function runs on, whatever the build machine's.
    environment: { npm_config_cpu: NPM_CPU[architecture], npm_config_os: 'linux', npm_config_libc: 'glibc' },
    commandHooks: {
      beforeBundling: () => [],
      beforeInstall: () => [],
      // Runs after the packages are installed.
      afterBundling: (input: string, output: string) =>
        pdfWork === 'none' ? [] : [...pruneCommands(pdfWork, join(output, 'node_modules')), readerBundleCommand(input, output), wordListCommand(input, output)],
    },
    banner: REQUIRE_BANNER,
  };
}
