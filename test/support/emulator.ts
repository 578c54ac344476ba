import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface Emulator {
  endpoint: string;
  region: string;
}

export interface DeployedPipeline extends Emulator {
  bucket: string;
  table: string;
  batchesTable: string;
  ingestQueueUrl: string;
  reportQueueUrl: string;
  deadLetterQueueUrl: string;
}

function readEnvFile(path: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

/**
 * Starts the local emulator with the project's own script unless one is running (`npm run local:up`),
 * and points the AWS SDK at it. The test run's global teardown stops an emulator the run started.
 */
export function startEmulator(): Emulator {
  execFileSync('bash', ['scripts/local-up.sh'], { cwd: root, stdio: 'inherit' });
  const env = readEnvFile(`${root}.local/emulator.env`);
  for (const [name, value] of Object.entries(env)) process.env[name] = value;
  return { endpoint: env.AWS_ENDPOINT_URL ?? '', region: env.AWS_REGION ?? '' };
}

/** The emulator with the stack deployed into it, as `npm run local:up` and `npm run local:deploy` do. */
export function deployPipeline(): DeployedPipeline {
  const emulator = startEmulator();
  execFileSync('bash', ['scripts/local-deploy.sh'], { cwd: root, stdio: 'inherit' });
  const outputs = JSON.parse(readFileSync(`${root}cdk.outputs.json`, 'utf8'));
  return {
    ...emulator,
    bucket: outputs.UploadBucketName,
    table: outputs.RecordsTableName,
    batchesTable: outputs.BatchesTableName,
    ingestQueueUrl: outputs.IngestQueueUrl,
    reportQueueUrl: outputs.ReportQueueUrl,
    deadLetterQueueUrl: outputs.DeadLetterQueueUrl,
  };
}

/** Polls until `probe` returns a value or the deadline passes; the error says what was awaited. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`waited ${timeoutMs} ms for ${what}`);
}
