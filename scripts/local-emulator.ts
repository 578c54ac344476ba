import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * The local emulator and the stack in it, for the scripts, benchmarks and tests that run against them:
 * what `npm run local:up` and `npm run local:deploy` do, with this process's AWS SDK pointed at the
 * emulator afterwards (endpoint, region and credentials from .local/emulator.env).
 */
const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs one of the local scripts, its output shown as it comes (in another process, without blocking
 * this one: a deployment takes minutes).
 */
async function runScript(script: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const running = promisify(execFile)('bash', [script], { cwd: root, env, maxBuffer: 64 * 1024 * 1024 });
  running.child.stdout?.pipe(process.stdout);
  running.child.stderr?.pipe(process.stderr);
  await running;
}

export interface LocalEmulator {
  endpoint: string;
  region: string;
}

/** Starts the emulator unless one is running, and points this process's AWS SDK at it. */
export async function startLocalEmulator(): Promise<LocalEmulator> {
  await runScript('scripts/local-up.sh');
  for (const line of readFileSync(`${root}.local/emulator.env`, 'utf8').split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) process.env[line.slice(0, at)] = line.slice(at + 1);
  }
  return { endpoint: process.env.AWS_ENDPOINT_URL ?? '', region: process.env.AWS_REGION ?? '' };
}

/** A local deployment of a configuration other than the default, as a stack of its own beside the default one. */
export interface LocalConfiguration {
  ocr: 'tesseract' | 'none';
}

/**
 * The emulator with the stack deployed (the default configuration, Textract through the stand-in, unless
 * another is asked for); returns the stack's outputs (the default's are also in cdk.outputs.json).
 */
export async function deployLocalPipeline(configuration?: LocalConfiguration): Promise<LocalEmulator & { outputs: Record<string, string> }> {
  const emulator = await startLocalEmulator();
  const outputs = configuration ? `.local/outputs-ocr-${configuration.ocr}.json` : 'cdk.outputs.json';
  const env = configuration
    ? { ...process.env, LOCAL_OCR: configuration.ocr, LOCAL_STACK: `ZielvereinbarungenPipelineOcr${configuration.ocr[0]!.toUpperCase()}${configuration.ocr.slice(1)}`, LOCAL_OUTPUTS: outputs }
    : process.env;
  await runScript('scripts/local-deploy.sh', env);
  return { ...emulator, outputs: JSON.parse(readFileSync(`${root}${outputs}`, 'utf8')) };
}
