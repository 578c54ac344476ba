import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { seedSpec } from '../../fixtures/generator/catalogue.js';
import { renderAgreement } from '../../fixtures/generator/render-digital.js';
import { agreementRecordSchema } from '../../shared/schema/record.js';
import { agreements } from '../support/cli.js';
import { fixturesRoot, loadFixtures } from '../support/fixtures.js';

const cli = (args: string[]) => agreements(args);

describe('agreements extract', () => {
  it('prints one schema-valid JSON record per fixture with --json, and exits 0 despite rejected ones', async () => {
    const { stdout, stderr, code } = await cli(['extract', join(fixturesRoot, 'pdf'), '--json', '--ocr', 'never']);
    expect(code).toBe(0);
    const records = stdout.trim().split('\n').map((line) => agreementRecordSchema.parse(JSON.parse(line)));
    const fixtures = loadFixtures();
    expect(records.map((record) => record.fileName).sort()).toEqual(fixtures.map((fixture) => fixture.expected.fileName).sort());
    expect(records.some((record) => record.status === 'rejected')).toBe(true);
    expect(stderr).toMatch(new RegExp(`\\[${fixtures.length}/${fixtures.length}\\]`));
  }, 300_000);

  it('reads digital documents first and those with pages for OCR after them, and prints every record in the order given', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'agreements-cli-auto-'));
    const given = [
      'scanned/scan-2019-stadt-kassel.pdf',
      'digital/zv-2011-landkreis-fulda.pdf',
      'mixed/mixed-2020-vogelsbergkreis.pdf',
      'digital/zv-2013-stadt-kassel.pdf',
    ];
    given.forEach((path, index) => copyFileSync(join(fixturesRoot, 'pdf', path), join(folder, `${index}-${path.split('/')[1]}`)));
    const { stdout, stderr, code } = await cli(['extract', folder, '--json']);
    expect(code).toBe(0);
    const records = stdout.trim().split('\n').map((line) => agreementRecordSchema.parse(JSON.parse(line)));
    const fixtures = loadFixtures();
    const expected = given.map((path) => fixtures.find((fixture) => fixture.path === path)!.expected);
    expect(records.map(({ fileName, textSource, agreement }) => [fileName, textSource, agreement.budgetYear, agreement.amount?.cents, agreement.parties?.[1]?.name])).toEqual(
      expected.map(({ agreement }, index) => [`${index}-${given[index]!.split('/')[1]}`, ['ocr', 'pdf-text', 'mixed', 'pdf-text'][index], agreement.budgetYear, agreement.amount?.cents, agreement.parties?.[1]?.name]),
    );
    expect(records.flatMap((record) => record.issues.map((issue) => issue.code))).not.toContain('ocr.skipped');
    // Progress is told as records are done: the digital ones before the ones read by OCR.
    const told = stderr.split('\n').filter((line) => line.startsWith('[')).map((line) => line.replace(/^\[\d\/4\] /, ''));
    expect(new Set(told.slice(0, 2))).toEqual(new Set(['1-zv-2011-landkreis-fulda.pdf', '3-zv-2013-stadt-kassel.pdf']));
    expect(told.slice(2)).toEqual(['0-scan-2019-stadt-kassel.pdf', '2-mixed-2020-vogelsbergkreis.pdf']);
  }, 300_000);

  it('judges the scans by the names the digital documents of the run print, at any concurrency', async () => {
    // A digital agreement signed by "Stefan Lanke", a letter off the "Stefan Lange" the scan's recipient
    // signature reads: the scan's name, though read right, is near a name printed in a text layer.
    const folder = mkdtempSync(join(tmpdir(), 'agreements-cli-known-'));
    const spec = seedSpec();
    const { bytes } = await renderAgreement({ ...spec, recipientSignatory: { ...spec.recipientSignatory, name: 'Stefan Lanke' } });
    writeFileSync(join(folder, 'digital.pdf'), bytes);
    copyFileSync(join(fixturesRoot, 'pdf', 'scanned', 'scan-2019-stadt-kassel.pdf'), join(folder, 'scan.pdf'));
    const { stdout, code } = await cli(['extract', folder, '--json', '--concurrency', '2']);
    expect(code).toBe(0);
    const [digital, scan] = stdout.trim().split('\n').map((line) => agreementRecordSchema.parse(JSON.parse(line)));
    expect([digital!.fileName, digital!.status, digital!.agreement.signatures?.[1]?.name]).toEqual(['digital.pdf', 'valid', 'Stefan Lanke']);
    expect([scan!.fileName, scan!.status, scan!.agreement.signatures?.[1]?.name]).toEqual(['scan.pdf', 'needs_review', 'Stefan Lange']);
    const near = scan!.issues.filter((issue) => issue.code === 'value.near_known_name');
    expect(near.map((issue) => issue.path)).toEqual(['agreement.signatures[1].name']);
    expect(near[0]!.message).toContain('"Stefan Lanke"');
  }, 300_000);

  it('prints a readable table with a summary without --json', async () => {
    const seed = join(fixturesRoot, 'pdf', 'digital', 'zielvereinbarung-2025-main-taunus-kreis.pdf');
    const { stdout, code } = await cli(['extract', seed]);
    expect(code).toBe(0);
    const [header, rule, row, , summary] = stdout.trim().split('\n');
    expect(header).toMatch(/^File\s+Status\s+Recipient\s+Year\s+Amount\s+Measures\s+Signed\s+Issues$/);
    expect(rule).toMatch(/^-+/);
    expect(row).toMatch(/^zielvereinbarung-2025-main-taunus-kreis\.pdf\s+valid\s+Main-Taunus-Kreis\s+2025\s+1\.018\.910,00\s€\s+4\s+2025-08-02, 2025-08-18$/);
    expect(summary).toBe('1 documents: 1 valid, 0 need review, 0 rejected');
  }, 60_000);

  it('walks folders for PDFs only but takes a named file whatever its extension', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'agreements-cli-'));
    copyFileSync(join(fixturesRoot, 'pdf', 'digital', 'zielvereinbarung-2025-main-taunus-kreis.pdf'), join(folder, 'A.PDF'));
    writeFileSync(join(folder, 'notes.txt'), 'not an agreement');
    const walked = await cli(['extract', folder, '--json']);
    expect(walked.stdout.trim().split('\n').map((line) => JSON.parse(line).fileName)).toEqual(['A.PDF']);
    const named = await cli(['extract', join(folder, 'notes.txt'), '--json']);
    const record = JSON.parse(named.stdout);
    expect(record.status).toBe('rejected');
    expect(record.issues[0].code).toBe('pdf.not_pdf');
  }, 60_000);

  it('follows symbolic links to PDFs and folders, lists what it passes over, and names a folder without any PDF', async () => {
    const seed = join(fixturesRoot, 'pdf', 'digital', 'zielvereinbarung-2025-main-taunus-kreis.pdf');
    const elsewhere = mkdtempSync(join(tmpdir(), 'agreements-cli-target-'));
    copyFileSync(seed, join(elsewhere, 'kreis.pdf'));
    const folder = mkdtempSync(join(tmpdir(), 'agreements-cli-links-'));
    symlinkSync(join(elsewhere, 'kreis.pdf'), join(folder, 'linked.pdf'));
    symlinkSync(elsewhere, join(folder, 'archive'));
    symlinkSync(folder, join(folder, 'loop'));
    writeFileSync(join(folder, 'notes.txt'), 'not an agreement');
    const linked = await cli(['extract', folder, '--json', '--ocr', 'never']);
    expect(linked.code).toBe(0);
    expect(linked.stdout.trim().split('\n').map((line) => [JSON.parse(line).fileName, JSON.parse(line).status])).toEqual([
      ['kreis.pdf', 'valid'],
      ['linked.pdf', 'valid'],
    ]);
    expect(linked.stderr).toContain(`skipped ${join(folder, 'loop')}: symbolic link loop: it leads back to ${folder}\n`);
    expect(linked.stderr).toContain(`skipped ${join(folder, 'notes.txt')}: not a .pdf file\n`);

    const withoutPdf = mkdtempSync(join(tmpdir(), 'agreements-cli-nopdf-'));
    mkdirSync(join(withoutPdf, 'sub'));
    writeFileSync(join(withoutPdf, 'sub', 'scan.tif'), 'II*\0');
    const none = await cli(['extract', withoutPdf]);
    expect(none.code).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toBe(`skipped ${join(withoutPdf, 'sub', 'scan.tif')}: not a .pdf file\nagreements: no PDF files found in ${withoutPdf}\n`);
    const partly = await cli(['extract', withoutPdf, seed, '--json']);
    expect(partly.code).toBe(1);
    expect(partly.stderr).toContain(`agreements: no PDF files in ${withoutPdf}\n`);
    expect(JSON.parse(partly.stdout).fileName).toBe('zielvereinbarung-2025-main-taunus-kreis.pdf');
  }, 120_000);

  it('ends quietly with exit code 0 when whoever reads its output stops reading (`| head`)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/agreements.ts', 'extract', join(fixturesRoot, 'pdf', 'digital'), '--json', '--ocr', 'never'], {
      cwd: fileURLToPath(new URL('../../', import.meta.url)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The reading end is closed before the first record is written, so every write meets a closed pipe.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(stderr).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
  }, 120_000);

  it('exits non-zero on usage errors', async () => {
    expect((await cli(['extract', '/no/such/folder'])).code).not.toBe(0);
    expect((await cli(['extract', 'x.pdf', '--ocr', 'sometimes'])).code).not.toBe(0);
    expect((await cli(['extract', 'x.pdf', '--concurrency', '0'])).code).not.toBe(0);
    expect((await cli(['frobnicate'])).code).not.toBe(0);
  }, 60_000);
});

describe('errors against a deployment', () => {
  const outputs = join(mkdtempSync(join(tmpdir(), 'agreements-outputs-')), 'cdk.outputs.json');
  writeFileSync(outputs, JSON.stringify({ UploadBucketName: 'uploads', RecordsTableName: 'Records', BatchesTableName: 'Batches', BatchMembersTableName: 'BatchMembers' }));
  // Port 9 (discard) has no listener here: the emulator is "stopped".
  const env = { ...process.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_REGION: 'eu-central-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
  /** What the command printed itself, without the AWS SDK's Node.js version notice. */
  const ownLines = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('agreements:'));

  it.each([
    [['status'], 'DynamoDB Scan on Batches'],
    [['review', 'list'], 'DynamoDB Query on Records'],
  ])('%j with the emulator stopped says in one line what failed and what to do, and exits 1', async (args, call) => {
    const { stdout, stderr, code } = await agreements([...args, '--outputs', outputs], env);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(ownLines(stderr)).toEqual([
      `agreements: cannot reach http://127.0.0.1:9 (connection refused) for ${call}. Is the local emulator running? Start it with \`npm run local:up\` (its settings: set -a; . .local/emulator.env; set +a), or pass --endpoint.`,
    ]);
    expect(stderr).not.toMatch(/ECONNREFUSED|triggerUncaughtException|\n\s+at /);
  }, 60_000);

  it('shows the stack as well with --debug', async () => {
    const { stderr, code } = await agreements(['status', '--outputs', outputs, '--debug'], env);
    expect(code).toBe(1);
    expect(ownLines(stderr)).toHaveLength(1);
    expect(stderr).toMatch(/Error: connect ECONNREFUSED 127\.0\.0\.1:9\n\s+at /);
  }, 60_000);
});
