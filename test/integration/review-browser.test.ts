import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadBatch } from '../../cli/upload/batch.js';
import { catalogue } from '../../fixtures/generator/catalogue.js';
import { Random } from '../../fixtures/generator/random.js';
import { renderAgreement } from '../../fixtures/generator/render-digital.js';
import { imagePdf, scanPages } from '../../fixtures/generator/scan.js';
import { documentIdOf } from '../../shared/extract/rejected.js';
import type { Report } from '../../shared/report/model.js';
import type { AgreementRecord } from '../../shared/schema/record.js';
import type { BatchesTable } from '../../shared/store/batches.js';
import type { RecordsTable } from '../../shared/store/records.js';
import { artifactsRoot, launchBrowser } from '../support/browser.js';
import { type DeployedPipeline, deployPipeline, pipelineStores, waitFor } from '../support/emulator.js';
import { fixturesRoot } from '../support/fixtures.js';
import { rawRequest as rawHttpRequest } from '../support/http.js';

/**
 * The review web app as a reviewer uses it: `agreements review serve` started as a user starts it, in
 * Debian's Chromium, against the deployed stack in the emulator (real HTTP, DynamoDB and S3). A batch
 * holds a scan that needs review (a fixture agreement, scanned like the scanned fixtures, whose amount
 * is implausibly low), two digital agreements that need review, and a document rejected for a limit.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const batch = `review-${Date.now().toString(36)}`;
const reviewer = 'Erika Prüferin';
let pipeline: DeployedPipeline;
let s3: S3Client;
let records: RecordsTable;
let batches: BatchesTable;
let server: ChildProcess;
let serverLog = '';
let address: string;
let origin: string;
let browser: Browser;
let context: BrowserContext;
const consoleErrors: { page: string; text: string }[] = [];
const outsideRequests: string[] = [];
const pdfRequests: string[] = [];

interface Prepared {
  fileName: string;
  bytes: Buffer;
  documentId: string;
}
/** The documents of the batch, by role. */
const documents: Record<'scan' | 'toReject' | 'contested' | 'limited', Prepared> = {} as never;
/** The scan's amount as the agreement really states it. */
let scanAmount: { cents: number; text: string };

/** Bytes made new to an emulator that may have seen the same PDFs before (a comment after the end of file). */
const fresh = (bytes: Buffer) => Buffer.concat([bytes, Buffer.from(`\n% ${batch}\n`)]);

async function prepare(): Promise<string> {
  const folder = mkdtempSync(join(tmpdir(), 'review-browser-'));
  const add = (role: keyof typeof documents, fileName: string, bytes: Buffer) => {
    const made = fresh(bytes);
    writeFileSync(join(folder, fileName), made);
    documents[role] = { fileName, bytes: made, documentId: documentIdOf(made) };
  };
  const specs = catalogue();

  // A scanned fixture agreement whose amount was typed as 8.500 Euro: read right, but implausible.
  const kassel = specs.scanned.find((spec) => spec.fileName === 'scan-2019-stadt-kassel.pdf')!;
  scanAmount = { cents: kassel.cents, text: kassel.amountText };
  const misprinted = await renderAgreement({ ...kassel, fileName: 'scan-2019-stadt-kassel-betrag.pdf', amountText: '8.500 Euro', cents: 850_000, partAmountText: undefined });
  const pages = Array.from({ length: misprinted.pageCount }, (_, page) => page + 1);
  const images = await scanPages(misprinted.bytes, pages, misprinted.signatureMarks, { dpi: 300, maxRotation: 1.2, noise: 0.0008, jpegQuality: 75, stampText: 'Magistrat der Stadt Kassel' }, new Random(2019));
  add('scan', 'scan-2019-stadt-kassel-betrag.pdf', await imagePdf(images));

  // Digital agreements: one signed on a day that does not exist, one with an implausible amount.
  const [first, second] = [specs.extra('zv-datum.pdf', 2023, 'Hochtaunuskreis'), specs.extra('zv-betrag.pdf', 2021, 'Odenwaldkreis')];
  add('toReject', 'zv-datum.pdf', (await renderAgreement({ ...first!, recipientSignatory: { ...first!.recipientSignatory, dateText: '31.02.2023' } })).bytes);
  add('contested', 'zv-betrag.pdf', (await renderAgreement({ ...second!, amountText: '900 Euro', cents: 90_000, partAmountText: undefined })).bytes);
  add('limited', 'thousands-of-pages.pdf', readFileSync(join(fixturesRoot, 'pdf/bad/thousands-of-pages.pdf')));
  return folder;
}

/** `agreements review serve` as a user starts it; resolves with the first line it prints. */
function startServer(): Promise<string> {
  server = spawn(process.execPath, ['--import', 'tsx', 'cli/agreements.ts', 'review', 'serve'], { cwd: root, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stderr!.on('data', (chunk: Buffer) => (serverLog += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: server.stdout! });
    lines.once('line', resolve);
    server.once('exit', (code) => reject(new Error(`review serve ended with ${code}: ${serverLog}`)));
  });
}

async function openPage(name: string): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push({ page: name, text: message.text() });
  });
  page.on('pageerror', (error) => consoleErrors.push({ page: name, text: `${error.name}: ${error.message}` }));
  return page;
}

async function openQueue(page: Page): Promise<void> {
  await page.goto(address);
  await page.locator('select[name="batch"]').selectOption(batch);
  await page.locator(`.count[data-count="4"]`).waitFor();
}

async function openDocument(page: Page, prepared: Prepared): Promise<void> {
  await page.goto(`${origin}/#/d/${prepared.documentId.slice('sha256:'.length)}`);
  await page.locator('h1.file-name', { hasText: prepared.fileName }).waitFor();
}

/** The `--set` path of the field that has the focus. */
const focusedField = (page: Page) => page.locator(':focus').evaluate((element) => element.closest('.field')?.getAttribute('data-path'));

async function recordInBucket(documentId: string): Promise<AgreementRecord> {
  const object = await s3.send(new GetObjectCommand({ Bucket: pipeline.bucket, Key: `records/${documentId.slice('sha256:'.length)}.json` }));
  return JSON.parse(await object.Body!.transformToString());
}

/** The batch's report as the pipeline writes it again after `since`. */
async function reportAfter(since: string): Promise<Report> {
  await waitFor(`the report of ${batch} written after ${since}`, async () => {
    const state = await batches.get(batch);
    return state?.reportedAt && state.reportedAt > since ? state : undefined;
  });
  const object = await s3.send(new GetObjectCommand({ Bucket: pipeline.bucket, Key: `reports/${batch}/report.json` }));
  return JSON.parse(await object.Body!.transformToString());
}

/** A request to the review server with exactly these headers (Host and Origin included). */
const rawRequest = (path: string, headers: Record<string, string>, method?: string, body?: string) => rawHttpRequest(new URL(origin).port, path, headers, method, body);

beforeAll(async () => {
  pipeline = await deployPipeline();
  ({ s3, records, batches } = pipelineStores(pipeline));
  mkdirSync(artifactsRoot, { recursive: true });
  const folder = await prepare();
  await uploadBatch({ s3, bucket: pipeline.bucket, paths: [folder], batch, concurrency: 2 });
  await waitFor(`the report of batch ${batch}`, async () => ((await batches.get(batch))?.reportedAt ? true : undefined), 600_000);

  address = await startServer();
  origin = new URL(address).origin;
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'de-DE', timezoneId: 'Europe/Berlin', deviceScaleFactor: 1, acceptDownloads: true });
  await context.route(
    () => true,
    (route) => {
      const url = new URL(route.request().url());
      if (url.origin !== origin && url.protocol !== 'data:' && url.protocol !== 'blob:') {
        outsideRequests.push(url.href);
        return route.abort('blockedbyclient');
      }
      if (/\/api\/documents\/[0-9a-f]{64}\/pdf$/.test(url.pathname)) pdfRequests.push(url.pathname);
      return route.continue();
    },
  );
}, 900_000);

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
});

describe('agreements review serve', () => {
  it('prints the address first: 127.0.0.1 with a token, and listens on nothing else', async () => {
    expect(address).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    const { port } = new URL(origin);
    const reached = (host: string) =>
      new Promise<boolean>((resolve) => {
        const socket = connect({ host, port: Number(port) }, () => {
          socket.destroy();
          resolve(true);
        });
        socket.on('error', () => resolve(false));
      });
    expect(await reached('127.0.0.1')).toBe(true);
    expect(await reached('::1')).toBe(false);
  });

  it('refuses a request without the token, with a foreign Host, and from a foreign Origin', async () => {
    const { port } = new URL(origin);
    const token = new URL(address).searchParams.get('token')!;
    const entered = await rawRequest(`/?token=${token}`, { Host: `127.0.0.1:${port}` });
    expect(entered.status).toBe(303);
    expect(entered.headers.location).toBe('/');
    const [cookie] = entered.headers['set-cookie'] as string[];
    expect(cookie).toBe(`review-token-${port}=${token}; HttpOnly; SameSite=Strict; Path=/`);
    const session = cookie!.split(';')[0]!;
    const own = { Host: `127.0.0.1:${port}`, Cookie: session };

    const allowed = await rawRequest('/api/queue', own);
    expect(allowed.status).toBe(200);
    expect(allowed.headers['content-security-policy']).toBe(
      "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; img-src 'self' blob: data:; style-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect((await rawRequest('/api/queue', { Host: `127.0.0.1:${port}` })).status).toBe(403);
    expect((await rawRequest('/api/queue', { ...own, Cookie: `review-token-${port}=${'x'.repeat(token.length)}` })).status).toBe(403);
    expect((await rawRequest(`/?token=${'x'.repeat(token.length)}`, { Host: `127.0.0.1:${port}` })).status).toBe(403);
    expect((await rawRequest('/api/queue', { ...own, Host: `attacker.example:${port}` })).status).toBe(421);
    expect((await rawRequest('/api/queue', { ...own, Host: `localhost:${port}` })).status).toBe(421);
    expect((await rawRequest('/api/queue', { ...own, Origin: 'http://attacker.example' })).status).toBe(403);
    const acceptPath = `/api/documents/${documents.contested.documentId.slice('sha256:'.length)}/accept`;
    const post = { ...own, 'Content-Type': 'application/json' };
    const body = JSON.stringify({ version: 1, by: 'Angreifer', agreement: {} });
    expect((await rawRequest(acceptPath, { ...post, Origin: 'http://attacker.example' }, 'POST', body)).status).toBe(403);
    expect((await rawRequest(acceptPath, post, 'POST', body)).status).toBe(403);
    expect((await rawRequest(acceptPath, { ...post, Origin: origin, 'Sec-Fetch-Site': 'cross-site' }, 'POST', body)).status).toBe(403);
    // An id that is not a sha256 is refused before the table is asked.
    expect((await rawRequest('/api/documents/sha256:..%2F..%2Fetc', own)).status).toBe(404);
    expect((await records.get(documents.contested.documentId))!.audit).toEqual([]);
  });

  it('shows the batch\'s queue: newest first, each row with file, recipient, year, amount, status and reasons; filters; keys move', async () => {
    const page = await openPage('queue');
    await openQueue(page);
    const rows = await page.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        documentId: tr.getAttribute('data-document-id'),
        cells: [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').replace(/\s+/g, ' ').trim()),
      })),
    );
    const expectedRows = await Promise.all(
      [documents.scan, documents.toReject, documents.contested, documents.limited].map(async (prepared) => ({ prepared, stored: (await records.get(prepared.documentId))! })),
    );
    expectedRows.sort((a, b) => b.stored.updatedAt!.localeCompare(a.stored.updatedAt!));
    expect(rows.map((row) => row.documentId)).toEqual(expectedRows.map(({ prepared }) => prepared.documentId));
    const scanRow = rows.find((row) => row.documentId === documents.scan.documentId)!;
    expect(scanRow.cells.slice(0, 5)).toEqual(['scan-2019-stadt-kassel-betrag.pdf', 'Stadt Kassel', '2019', '8.500,00 €', 'zu prüfen']);
    expect(scanRow.cells[5]).toContain('amount.implausible');
    const limitedRow = rows.find((row) => row.documentId === documents.limited.documentId)!;
    expect(limitedRow.cells.slice(0, 5)).toEqual(['thousands-of-pages.pdf', '—', '—', '—', 'abgewiesen']);
    expect(limitedRow.cells[5]).toContain('limit.pages');

    await page.locator('select[name="status"]').selectOption('rejected');
    await page.locator('.count[data-count="1"]').waitFor();
    await page.locator('select[name="status"]').selectOption('');
    await page.locator('.count[data-count="4"]').waitFor();
    await page.keyboard.press('/');
    expect(await page.locator(':focus').getAttribute('id')).toBe('filter-text');
    await page.keyboard.type('kassel');
    await page.keyboard.press('Enter');
    await page.locator('.count[data-count="1"]').waitFor();
    await page.locator('#filter-text').fill('');
    await page.locator('#filter-text').press('Enter');
    await page.locator('.count[data-count="4"]').waitFor();
    await page.locator('#filter-text').blur();
    await page.keyboard.press('j');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('k');
    expect(await page.locator('tbody tr.selected').getAttribute('data-document-id')).toBe(rows[1]!.documentId);
    await page.screenshot({ path: join(artifactsRoot, 'review-queue.png'), fullPage: true });
    await page.keyboard.press('Enter');
    await page.locator('h1.file-name').waitFor();
    expect(new URL(page.url()).hash).toBe(`#/d/${rows[1]!.documentId!.slice('sha256:'.length)}`);
    await page.close();
  });

  it('corrects the amount as people write it, accepts with the reviewer\'s name, and stores the record valid with its audit entry', async () => {
    const page = await openPage('accept');
    await page.goto(address);
    await openDocument(page, documents.scan);
    const before = (await records.get(documents.scan.documentId))!;
    await page.locator('.page.drawn').first().waitFor();
    await page.keyboard.press('e');
    expect(await focusedField(page)).toBe('agreement.amount');
    // First a value that cannot be read: refused at the field, nothing stored.
    await page.keyboard.press('Control+A');
    await page.keyboard.type('achthundert');
    await page.keyboard.press('Escape');
    const started = new Date().toISOString();
    await page.keyboard.press('a');
    await page.locator('dialog.ask input').fill(reviewer);
    await page.locator('dialog.ask button[type="submit"]').click();
    await page.locator('.field.invalid[data-path="agreement.amount"] .error').waitFor();
    await expect(page.locator('.field[data-path="agreement.amount"] .error').innerText()).resolves.toContain('"achthundert" is not an amount');
    expect((await records.get(documents.scan.documentId))!.version).toBe(before.version);

    const typed = scanAmount.text.replace(/ Euro$/, '');
    await page.locator('.field[data-path="agreement.amount"] input').fill(typed);
    await page.locator('.field[data-path="agreement.amount"] input').blur();
    // The name is remembered: no second question.
    await page.keyboard.press('a');
    await page.waitForURL((url) => !url.hash.includes(documents.scan.documentId.slice('sha256:'.length)));
    expect(await page.locator('dialog').count()).toBe(0);

    const stored = (await records.get(documents.scan.documentId))!;
    expect(stored.version).toBe(before.version + 1);
    expect(stored.record!.status).toBe('valid');
    expect(stored.record!.issues).toEqual([]);
    expect(stored.record!.agreement.amount).toEqual({ cents: scanAmount.cents, currency: 'EUR', text: `${typed} Euro` });
    expect(stored.record!.agreement).toEqual({ ...before.record!.agreement, amount: stored.record!.agreement.amount });
    expect(stored.original).toEqual(before.record);
    expect(stored.audit).toEqual([
      {
        action: 'accept',
        at: expect.any(String),
        by: reviewer,
        changes: [
          { path: 'agreement.amount.cents', from: 850_000, to: scanAmount.cents },
          { path: 'agreement.amount.text', from: '8.500 Euro', to: `${typed} Euro` },
        ],
        resolvedIssues: before.record!.issues,
      },
    ]);
    expect(await recordInBucket(documents.scan.documentId)).toEqual(stored.record);
    // The report shows it valid (without its evidence, which report.json keeps for documents under review only).
    const { evidence: _evidence, ...reported } = stored.record!;
    const report = await reportAfter(started);
    expect(report.documents.find((record) => record.documentId === documents.scan.documentId)).toEqual(reported);
    await page.close();
  });

  it('rejects another with a reason, which a rejection needs', async () => {
    const page = await openPage('reject');
    await page.goto(address);
    await openDocument(page, documents.toReject);
    const before = (await records.get(documents.toReject.documentId))!;
    await page.keyboard.press('r');
    await page.locator('dialog.ask textarea').waitFor();
    await page.locator('dialog.ask button[type="submit"]').click();
    await expect(page.locator('dialog.ask .error').isVisible()).resolves.toBe(true);
    const started = new Date().toISOString();
    await page.locator('dialog.ask textarea').fill('Unterschriftsdatum 31.02. – Vertrag neu anfordern');
    await page.locator('dialog.ask button[type="submit"]').click();
    await page.waitForURL((url) => !url.hash.includes(documents.toReject.documentId.slice('sha256:'.length)));

    const stored = (await records.get(documents.toReject.documentId))!;
    expect(stored.version).toBe(before.version + 1);
    expect(stored.record).toEqual({
      ...before.record,
      status: 'rejected',
      issues: [...before.record!.issues, { path: 'document', code: 'review.rejected', message: `Rejected in review by ${reviewer}: Unterschriftsdatum 31.02. – Vertrag neu anfordern` }],
    });
    expect(stored.audit).toEqual([{ action: 'reject', at: expect.any(String), by: reviewer, reason: 'Unterschriftsdatum 31.02. – Vertrag neu anfordern' }]);
    expect(await recordInBucket(documents.toReject.documentId)).toEqual(stored.record);
    expect((await reportAfter(started)).documents.find((record) => record.documentId === documents.toReject.documentId)?.status).toBe('rejected');
    await page.close();
  });

  it('tells the second of two reviewers that the record changed, shows what is stored now, and overwrites nothing', async () => {
    const first = await openPage('conflict-first');
    const second = await openPage('conflict-second');
    for (const page of [first, second]) {
      await page.goto(address);
      await openDocument(page, documents.contested);
    }
    const before = (await records.get(documents.contested.documentId))!;
    await first.locator('.field[data-path="agreement.amount"] input').fill('90.000');
    await first.locator('button.accept').click();
    await first.waitForURL((url) => !url.hash.includes(documents.contested.documentId.slice('sha256:'.length)));
    const afterFirst = (await records.get(documents.contested.documentId))!;
    expect(afterFirst.record!.agreement.amount!.cents).toBe(9_000_000);

    await second.locator('.field[data-path="agreement.amount"] input').fill('95.000,50');
    await second.locator('button.accept').click();
    await second.locator('.notice.conflict').waitFor();
    await expect(second.locator('.notice.conflict').innerText()).resolves.toContain(`changed by someone else since you opened it (accepted by ${reviewer}`);
    expect(await second.locator('.field[data-path="agreement.amount"] input').inputValue()).toBe('95.000,50');
    await expect(second.locator('.field[data-path="agreement.amount"] .theirs').innerText()).resolves.toContain('90.000 Euro');
    await second.screenshot({ path: join(artifactsRoot, 'review-conflict.png') });
    expect(await records.get(documents.contested.documentId)).toEqual(afterFirst);
    expect(await recordInBucket(documents.contested.documentId)).toEqual(afterFirst.record);

    // Seen what is stored now, the second reviewer may save over it deliberately; both decisions stay in the audit.
    await second.locator('button.accept').click();
    await second.waitForURL((url) => !url.hash.includes(documents.contested.documentId.slice('sha256:'.length)));
    const afterSecond = (await records.get(documents.contested.documentId))!;
    expect(afterSecond.version).toBe(before.version + 2);
    expect(afterSecond.record!.agreement.amount).toEqual({ cents: 9_500_050, currency: 'EUR', text: '95.000,50 Euro' });
    expect(afterSecond.original).toEqual(before.record);
    expect(afterSecond.audit.map((entry) => entry.action)).toEqual(['accept', 'accept']);
    await first.close();
    await second.close();
  });

  it('never renders a document rejected for a limit: it shows the reason and a download link', async () => {
    const page = await openPage('limited');
    await page.goto(address);
    const requestsBefore = pdfRequests.length;
    await openDocument(page, documents.limited);
    const withheld = page.locator('.withheld');
    await expect(withheld.innerText()).resolves.toContain('limit.pages: The PDF has 5000 pages, more than the limit of 200.');
    expect(await page.locator('.page canvas').count()).toBe(0);
    expect(pdfRequests.length).toBe(requestsBefore);
    const download = page.waitForEvent('download');
    await withheld.locator('a', { hasText: 'Herunterladen' }).click();
    const saved = await (await download).path();
    expect(readFileSync(saved!)).toEqual(documents.limited.bytes);
    // The server refuses to hand it out for rendering, whoever asks.
    const cookies = await context.cookies(origin);
    const asked = await rawRequest(`/api/documents/${documents.limited.documentId.slice('sha256:'.length)}/pdf`, {
      Host: new URL(origin).host,
      Cookie: cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; '),
    });
    expect(asked.status).toBe(403);
    expect(JSON.parse(asked.body)).toEqual({ error: 'withheld', message: 'This document is not shown in the browser (limit.pages: The PDF has 5000 pages, more than the limit of 200.); download it instead.' });
    await page.close();
  });

  it('logged no console errors but the browser\'s notes of the deliberate refusals, sent nothing off the server, and logged no document content', () => {
    // Chromium notes every 4xx answer to a fetch in the console: the unreadable amount (422) and the conflict (409).
    expect(consoleErrors).toEqual([
      { page: 'accept', text: 'Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)' },
      { page: 'conflict-second', text: 'Failed to load resource: the server responded with a status of 409 (Conflict)' },
    ]);
    expect(outsideRequests).toEqual([]);
    for (const prepared of Object.values(documents)) expect(serverLog).not.toContain(prepared.fileName);
    // The amount as the document and the form give it: "8.500" alone is also the milliseconds of a log's timestamp.
    for (const text of ['Stadt Kassel', '8.500 Euro', '8.500,00', reviewer, 'Unterschriftsdatum']) expect(serverLog).not.toContain(text);
    expect(serverLog).toMatch(/POST \/api\/documents\/[0-9a-f]{12}…\/accept 200 \d+ ms/);
  });

  it('leaves its screenshots in test-artifacts/', () => {
    for (const name of ['review-queue.png', 'review-conflict.png']) {
      const png = readFileSync(join(artifactsRoot, name));
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(png.readUInt32BE(16)).toBe(1400);
    }
  });
});
