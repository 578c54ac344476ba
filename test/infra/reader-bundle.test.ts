import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { pipelineSettingsSchema } from '../../infra/pipeline-settings.js';
import { PipelineStack } from '../../infra/pipeline-stack.js';
import { extractionConfigSchema } from '../../shared/config.js';
import type { FromReader, ToReader } from '../../shared/isolation/protocol.js';
import { fixtureBytes, loadFixtures } from '../support/fixtures.js';

/**
 * NodejsFunction bundles one entry; the reader process each function starts has its own, bundled beside
 * the handler by a hook. Here the ingest function is bundled as `cdk synth` bundles it, and the bundled
 * reader is started from its asset, with the packages installed there, and given a document to read.
 */

describe('the ingest function asset', () => {
  it('holds a reader entry that starts from the asset and reads a document', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'reader-bundle-'));
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': ['**'], 'aws:cdk:enable-asset-metadata': true } });
    const stack = new PipelineStack(app, 'Pipeline', { settings: pipelineSettingsSchema.parse({ ocr: 'none', architecture: process.arch === 'arm64' ? 'arm64' : 'x86_64' }) });
    app.synth();
    // The asset of the ingest function: the one whose handler bundle the template's ingest function names.
    const template = JSON.parse(readFileSync(join(outdir, `${stack.artifactId}.template.json`), 'utf8'));
    const ingest = Object.entries<{ Type: string; Metadata?: Record<string, string> }>(template.Resources).find(
      ([id, resource]) => resource.Type === 'AWS::Lambda::Function' && id.startsWith('Ingest'),
    );
    const asset = join(outdir, ingest![1].Metadata!['aws:asset:path']!);
    expect(readdirSync(asset).sort()).toEqual(expect.arrayContaining(['index.mjs', 'node_modules', 'reader-process.mjs']));
    expect(existsSync(join(asset, 'node_modules', 'pdfjs-dist'))).toBe(true);

    const reader = fork(join(asset, 'reader-process.mjs'), [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'], cwd: asset });
    const seed = loadFixtures().find((fixture) => fixture.path === 'digital/zielvereinbarung-2025-main-taunus-kreis.pdf')!;
    const done = new Promise<FromReader>((resolve, reject) => {
      reader.on('message', (message: FromReader) => {
        if (message.type === 'done' || message.type === 'failed') resolve(message);
      });
      reader.on('exit', (code) => reject(new Error(`the bundled reader exited with ${code}`)));
    });
    const task: ToReader = {
      type: 'task',
      task: { kind: 'extract', bytes: fixtureBytes(seed), fileName: 'seed.pdf', config: extractionConfigSchema.parse({ ocr: 'never' }), ocr: false },
    };
    reader.send(task);
    const message = await done;
    reader.kill();
    expect(message.type).toBe('done');
    if (message.type !== 'done' || message.result.kind !== 'extract') return;
    expect(message.result.extraction.record.status).toBe('valid');
    expect(message.result.extraction.record.agreement.amount).toEqual(seed.expected.agreement.amount);
  }, 300_000);
});
