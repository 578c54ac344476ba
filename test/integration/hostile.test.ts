import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { agreementRecordSchema, type AgreementRecord } from '../../shared/schema/record.js';
import { fixturesRoot } from '../support/fixtures.js';
import { sampleTreeMemory } from '../support/process-tree.js';

/**
 * The hostile files (fixtures/hostile) in one folder with an agreement after them, read by the shipped
 * CLI with its default settings, as a user runs it: every file gets its record, the run ends normally,
 * the agreement after them is read, and the CLI with its reader processes stays under 1 GB throughout.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const GiB = 1024 * 1024 * 1024;
const AGREEMENT = 'zz-zielvereinbarung-nach-den-angriffen.pdf';

/** Each hostile file's record. Where both limits are in reach, which comes first depends on the machine's speed. */
const EXPECTED: Record<string, { status: AgreementRecord['status']; codes: RegExp }> = {
  'operator-cycle.pdf': { status: 'rejected', codes: /^document\.not_agreement$/ },
  'self-referencing-form.pdf': { status: 'rejected', codes: /^document\.not_agreement$/ },
  'form-fan-out.pdf': { status: 'rejected', codes: /^limit\.(time|memory)$/ },
  // A million operators per stream: its operator list fills memory as it takes time.
  'endless-content.pdf': { status: 'rejected', codes: /^limit\.(time|memory)$/ },
  'huge-image.pdf': { status: 'rejected', codes: /^pdf\.unreadable$/ },
  'jbig2-symbol-dictionary.pdf': { status: 'rejected', codes: /^limit\.memory$/ },
  'jbig2-huge-region.pdf': { status: 'rejected', codes: /^limit\.(time|memory)$/ },
  [AGREEMENT]: { status: 'valid', codes: /^$/ },
};

let folder: string;

beforeAll(() => {
  // The JavaScript users run: the CLI as built, not through tsx, whose loader alone costs hundreds of MiB.
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  folder = mkdtempSync(join(tmpdir(), 'hostile-'));
  for (const name of readdirSync(join(fixturesRoot, 'hostile'))) copyFileSync(join(fixturesRoot, 'hostile', name), join(folder, name));
  copyFileSync(join(fixturesRoot, 'pdf', 'digital', 'zv-2019-hochtaunuskreis.pdf'), join(folder, AGREEMENT));
}, 120_000);

describe('agreements extract on hostile files', () => {
  it('gives every file its record, reads the agreement after them, exits 0 and stays under 1 GB', async () => {
    expect(readdirSync(folder).sort()).toEqual(Object.keys(EXPECTED).sort());
    const run = execFile(process.execPath, [join(root, 'dist', 'cli', 'agreements.js'), 'extract', folder, '--json'], { maxBuffer: 16 * 1024 * 1024 });
    const memory = sampleTreeMemory(run.pid!);
    const { stdout, code } = await new Promise<{ stdout: string; code: number | null }>((resolve) => {
      let out = '';
      run.stdout!.on('data', (chunk: string) => (out += chunk));
      run.on('exit', (exitCode) => resolve({ stdout: out, code: exitCode }));
    });
    const peak = memory.stop();

    expect(code).toBe(0);
    const records = stdout.trim().split('\n').map((line) => agreementRecordSchema.parse(JSON.parse(line)));
    expect(records.map((record) => record.fileName).sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const record of records) {
      const expected = EXPECTED[record.fileName]!;
      expect(record.status, record.fileName).toBe(expected.status);
      expect(record.issues.map((issue) => issue.code).join(' '), record.fileName).toMatch(expected.codes);
    }
    expect(peak.peakProcesses).toBeGreaterThan(1);
    expect(peak.peakBytes).toBeLessThan(GiB);
  }, 600_000);
});
