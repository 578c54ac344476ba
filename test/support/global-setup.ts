import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The test files that need the local emulator start it on first use (test/support/emulator.ts) and
 * share it; once the whole run is over, an emulator this run started is stopped again, and one that was
 * running before (a developer's `npm run local:up`) is left alone.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const pidFile = `${root}.local/emulator.pid`;

function runningEmulator(): string | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = readFileSync(pidFile, 'utf8').trim();
  try {
    process.kill(Number(pid), 0);
    return pid;
  } catch {
    return undefined;
  }
}

export default function setup() {
  const before = runningEmulator();
  return () => {
    const now = runningEmulator();
    if (now && now !== before) execFileSync('bash', ['scripts/local-down.sh'], { cwd: root, stdio: 'inherit' });
  };
}
