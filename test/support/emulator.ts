import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface DeployedPipeline {
  endpoint: string;
  region: string;
  bucket: string;
  table: string;
  ingestQueueUrl: string;
  deadLetterQueueUrl: string;
  /** Stops the emulator if this run started it. */
  stop: () => void;
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
 * Starts the local emulator with the project's own script (unless one is running) and deploys the
 * stack into it, as `npm run local:up` and `npm run local:deploy` do; points the AWS SDK at it.
 */
export function deployPipeline(): DeployedPipeline {
  const wasRunning = existsSync(`${root}.local/emulator.pid`);
  execFileSync('bash', ['scripts/local-up.sh'], { cwd: root, stdio: 'inherit' });
  execFileSync('bash', ['scripts/local-deploy.sh'], { cwd: root, stdio: 'inherit' });
  const env = readEnvFile(`${root}.local/emulator.env`);
  for (const [name, value] of Object.entries(env)) process.env[name] = value;
  const outputs = JSON.parse(readFileSync(`${root}cdk.outputs.json`, 'utf8'));
  return {
    endpoint: env.AWS_ENDPOINT_URL ?? '',
    region: env.AWS_REGION ?? '',
    bucket: outputs.UploadBucketName,
    table: outputs.RecordsTableName,
    ingestQueueUrl: outputs.IngestQueueUrl,
    deadLetterQueueUrl: outputs.DeadLetterQueueUrl,
    stop: () => {
      if (!wasRunning) execFileSync('bash', ['scripts/local-down.sh'], { cwd: root, stdio: 'inherit' });
    },
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
