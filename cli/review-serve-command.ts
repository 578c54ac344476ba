import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { type ExtractionConfig, extractionConfigFromEnv, extractionConfigSchema } from '../shared/config.js';
import { ReaderPool } from '../shared/isolation/reader-pool.js';
import type { OcrEngine } from '../shared/ocr/engine.js';
import { TesseractOcrEngine } from '../shared/ocr/tesseract.js';
import type { DeploymentOptions } from './deployment-options.js';
import { resolveDeployment } from './deployment.js';
import { buildReviewAssets } from './review-assets.js';
import { startReviewServer } from './review-server.js';

/**
 * `agreements review serve`: the review web app for the deployment the other commands use, on
 * 127.0.0.1. The first line on standard output is the address to open, token included; the request log
 * goes to standard error. Runs until interrupted.
 */

export interface ServeOptions extends DeploymentOptions {
  port: number;
  open: boolean;
}

/** The OCR confidence (0–1) below which the app flags a value: the floor below which the extractor sends a value to review. */
export const confidenceFloorOf = (config: ExtractionConfig) => config.minValueConfidence;

/** Hands the address to the desktop's browser; a machine without one just shows the address. */
function openInBrowser(url: string): void {
  const [command, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.on('error', () => process.stderr.write(`no browser could be opened (${command}); open the address above yourself\n`));
  child.unref();
}

export async function runReviewServe(options: ServeOptions): Promise<void> {
  const deployment = resolveDeployment(options);
  const stores = await deployment.stores();
  const environment = extractionConfigFromEnv(process.env);
  let ocr: OcrEngine | undefined;
  // A document read again is read in a reader process under the limits, as everywhere.
  const reader = new ReaderPool(1);
  const server = await startReviewServer({
    port: options.port,
    assets: await buildReviewAssets(),
    api: {
      s3: deployment.s3(),
      bucket: deployment.bucket(),
      records: stores.records(),
      tracker: stores.tracker(),
      confidenceFloor: confidenceFloorOf(environment),
      // Reading a document again runs the extractor here, tesseract.js for scans, as `agreements reprocess` does.
      reprocessing: { config: extractionConfigSchema.parse({ ...environment, ocr: 'auto' }), ocr: () => (ocr ??= new TesseractOcrEngine(undefined, environment.ocrDpi)), reader },
      now: () => new Date(),
    },
    log: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
  });
  process.stdout.write(`${server.url}\n`);
  process.stderr.write(`review app for bucket ${deployment.bucket()}; Ctrl-C stops it\n`);
  if (options.open) openInBrowser(server.url);

  await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  await server.close();
  await Promise.all([ocr?.close(), reader.close()]);
}
