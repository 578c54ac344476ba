import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The local emulator and the stack in it, for the scripts, benchmarks and tests that run against them:
 * what `npm run local:up` and `npm run local:deploy` do, with this process's AWS SDK pointed at the
 * emulator afterwards (endpoint, region and credentials from .local/emulator.env).
 */
const root = fileURLToPath(new URL('..', import.meta.url));

export interface LocalEmulator {
  endpoint: string;
  region: string;
}

/** Starts the emulator unless one is running, and points this process's AWS SDK at it. */
export function startLocalEmulator(): LocalEmulator {
  execFileSync('bash', ['scripts/local-up.sh'], { cwd: root, stdio: 'inherit' });
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
export function deployLocalPipeline(configuration?: LocalConfiguration): LocalEmulator & { outputs: Record<string, string> } {
  const emulator = startLocalEmulator();
  const outputs = configuration ? `.local/outputs-ocr-${configuration.ocr}.json` : 'cdk.outputs.json';
  const env = configuration
    ? { ...process.env, LOCAL_OCR: configuration.ocr, LOCAL_STACK: `ZielvereinbarungenPipelineOcr${configuration.ocr[0]!.toUpperCase()}${configuration.ocr.slice(1)}`, LOCAL_OUTPUTS: outputs }
    : process.env;
  execFileSync('bash', ['scripts/local-deploy.sh'], { cwd: root, stdio: 'inherit', env });
  return { ...emulator, outputs: JSON.parse(readFileSync(`${root}${outputs}`, 'utf8')) };
}
