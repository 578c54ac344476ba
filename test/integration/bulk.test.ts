import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { uploadBatch } from '../../cli/upload/batch.js';
import { bulkAgreements } from '../../fixtures/generator/bulk.js';
import { renderAgreement } from '../../fixtures/generator/render-digital.js';
import { extractionConfigSchema } from '../../shared/config.js';
import { extractDocument } from '../../shared/extract-document.js';
import { documentIdOf } from '../../shared/extract/rejected.js';
import { EXTRACTOR_VERSION } from '../../shared/extract/version.js';
import type { Report } from '../../shared/report/model.js';
import { COLUMNS, documentRow, recipientOf } from '../../shared/report/rows.js';
import type { AgreementRecord } from '../../shared/schema/record.js';
import type { BatchMember, BatchesTable, BatchState } from '../../shared/store/batches.js';
import type { RecordsTable } from '../../shared/store/records.js';
import { openHtml } from '../support/browser.js';
import { agreements } from '../support/cli.js';
import { type DeployedPipeline, deployPipeline, pipelineStores, waitFor, functionStorageEnvironment } from '../support/emulator.js';
import { fixturesRoot } from '../support/fixtures.js';

/**
 * The bulk workflow against the deployed stack in the emulator, as users run it: a folder of 59 PDFs
 * (every fixture, generated agreements, a contradicting second agreement, a copy of one file and one
 * agreement that needs review) uploaded as one batch — interrupted once, then resumed with
 * `agreements upload` — processed by the pipeline, and reported on automatically; the report checked
 * against the stored records, in a browser and in a spreadsheet; then reviewed and reprocessed.
 */

const batch = `bulk-${Date.now().toString(36)}`;
let pipeline: DeployedPipeline;
let s3: S3Client;
let records: RecordsTable;
let batches: BatchesTable;
let folder: string;
/** Relative path → bytes, for every PDF in the folder. */
const files = new Map<string, Buffer>();
let reviewDocumentId: string;
/** The batch as the pipeline left it, and its report from the bucket. */
let state: BatchState;
let report: Report;
let duplicateKeys: string[];

async function objectBytes(key: string): Promise<Buffer> {
  const object = await s3.send(new GetObjectCommand({ Bucket: pipeline.bucket, Key: key }));
  return Buffer.from(await object.Body!.transformToByteArray());
}

async function listKeys(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: pipeline.bucket, Prefix: prefix, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((object) => object.Key!));
    token = page.NextContinuationToken;
  } while (token);
  return keys.sort();
}

function walk(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(directory, entry.name)) : [join(directory, entry.name)],
  );
}

/** The folder: fixtures as they are, 20 generated agreements, and three made to test the report. */
async function buildFolder(): Promise<void> {
  folder = mkdtempSync(join(tmpdir(), 'bulk-'));
  cpSync(join(fixturesRoot, 'pdf'), join(folder, 'fixtures'), { recursive: true });
  mkdirSync(join(folder, 'generated'));
  const generated = await bulkAgreements(20, { seed: 2026, prefix: 'zv' });
  for (const agreement of generated) writeFileSync(join(folder, 'generated', agreement.fileName), agreement.bytes);

  // A second agreement for the same recipient and year with another amount: a conflict.
  const first = generated[0]!.spec;
  const amended = await renderAgreement({ ...first, fileName: 'nachtrag.pdf', amountText: '1.111.111 Euro', cents: 111_111_100 });
  writeFileSync(join(folder, 'generated', 'zv-000-nachtrag.pdf'), amended.bytes);
  // The same bytes under a second name: a duplicate.
  writeFileSync(join(folder, 'generated', 'kopie von zv-001.pdf'), generated[1]!.bytes);
  // A signature date that does not exist: the record needs review.
  const third = generated[2]!.spec;
  const impossible = await renderAgreement({ ...third, recipientSignatory: { ...third.recipientSignatory, dateText: `31.02.${third.year}` } });
  writeFileSync(join(folder, 'generated', 'zv-002-datum.pdf'), impossible.bytes);

  // A comment after the end of file, which readers ignore, makes every file's bytes new to the table:
  // an emulator kept running between test runs has seen the same PDFs before.
  for (const path of walk(folder)) writeFileSync(path, Buffer.concat([readFileSync(path), Buffer.from(`\n% ${batch}\n`)]));
  for (const path of walk(folder)) files.set(relative(folder, path), readFileSync(path));
  reviewDocumentId = documentIdOf(files.get('generated/zv-002-datum.pdf')!);
  duplicateKeys = [`incoming/${batch}/generated/kopie von zv-001.pdf`, `incoming/${batch}/generated/zv-001.pdf`];
}

const expectedKeys = () => [...files.keys()].map((path) => `incoming/${batch}/${path}`).sort();
const distinctDocumentIds = () => [...new Set([...files.values()].map((bytes) => documentIdOf(bytes)))].sort();

beforeAll(async () => {
  pipeline = await deployPipeline();
  ({ s3, records, batches } = pipelineStores(pipeline));
  await buildFolder();
}, 600_000);

describe('bulk upload, batch tracking and the automatic report', () => {
  it('resumes an interrupted upload: the second run skips what arrived and sends only the rest', async () => {
    expect(files.size).toBe(59);
    const controller = new AbortController();
    let arrived = 0;
    const interrupted = await uploadBatch({
      s3,
      bucket: pipeline.bucket,
      paths: [folder],
      batch,
      concurrency: 2,
      signal: controller.signal,
      progress: {
        start: () => undefined,
        bytes: () => undefined,
        stop: () => undefined,
        file: (outcome) => {
          if (outcome.status === 'uploaded' && ++arrived === 20) controller.abort();
        },
      },
    });
    expect(interrupted.uploaded.length).toBeGreaterThanOrEqual(20);
    expect(interrupted.uploaded.length).toBeLessThan(files.size);
    expect(interrupted.failed.length).toBe(files.size - interrupted.uploaded.length);

    // A file in flight when the run was cancelled may still have arrived: S3 had its bytes.
    const arrivedBefore = (await listKeys(`incoming/${batch}/`)).length;
    expect(arrivedBefore).toBeGreaterThanOrEqual(interrupted.uploaded.length);
    expect(arrivedBefore).toBeLessThan(files.size);

    const resumed = await agreements(['upload', folder, '--batch', batch]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const summary = (label: string) => resumed.stdout.split('\n').find((line) => line.startsWith(`  ${label}`));
    expect(summary('skipped')).toMatch(new RegExp(`^  skipped   ${arrivedBefore} files, [\\d.]+ [kM]?B \\(already in the bucket\\)$`));
    expect(summary('uploaded')).toMatch(new RegExp(`^  uploaded  ${files.size - arrivedBefore} files?, `));
    expect(summary('failed')).toBe('  failed    0 files, 0 B');

    // Exactly one object per file, and a manifest that expects them all.
    expect(await listKeys(`incoming/${batch}/`)).toEqual(expectedKeys());
    const manifest = JSON.parse((await objectBytes(`batches/${batch}/manifest.json`)).toString('utf8'));
    expect(manifest.expected).toBe(files.size);
    expect(manifest.files.map((file: { key: string }) => file.key)).toEqual(expectedKeys());
  }, 300_000);

  it('counts every document against its batch once and writes the report when the last one is stored', async () => {
    state = await waitFor(`the report of batch ${batch}`, async () => {
      const current = await batches.get(batch);
      return current?.reportedAt ? current : undefined;
    }, 900_000);
    expect(state.expected).toBe(files.size);
    expect(state.processed).toBe(files.size);
    expect(state.reportRequests).toBe(1);
    const members: BatchMember[] = [];
    for await (const page of batches.members(batch)) members.push(...page);
    expect(members.map((member) => member.key)).toEqual(expectedKeys());
    for (const member of members) expect(member.documentId, member.key).toBe(documentIdOf(files.get(member.key.slice(`incoming/${batch}/`.length))!));
    expect(await batches.documentIds(batch)).toEqual(distinctDocumentIds());
    expect(state.reportKeys).toEqual(['html', 'csv', 'json', 'xlsx'].map((format) => `reports/${batch}/report.${format}`));
    expect(await listKeys(`reports/${batch}/`)).toEqual([...state.reportKeys!].sort());
  }, 960_000);

  it('reports every document of the batch as stored, with totals that equal the records', async () => {
    report = JSON.parse((await objectBytes(`reports/${batch}/report.json`)).toString('utf8'));
    const stored = await records.getMany(distinctDocumentIds());
    const storedRecords = new Map(stored.map((document) => [document.documentId, document.record!]));
    expect(report.batch).toBe(batch);
    expect(report.documents.map((record) => record.documentId).sort()).toEqual(distinctDocumentIds());
    // As stored, but only documents under review carry their evidence into the report.
    for (const record of report.documents) {
      const { evidence, ...fields } = storedRecords.get(record.documentId)!;
      expect(record).toEqual(record.status === 'valid' ? fields : { ...fields, evidence });
    }
    expect(report.documents.filter((record) => record.status === 'valid').some((record) => 'evidence' in record)).toBe(false);
    expect(report.documents.filter((record) => record.status === 'needs_review').every((record) => record.evidence?.length)).toBe(true);

    const all = [...storedRecords.values()];
    const valid = all.filter((record) => record.status === 'valid');
    const sum = (list: AgreementRecord[]) => list.reduce((total, record) => total + (record.agreement.amount?.cents ?? 0), 0);
    expect(report.totals.documents).toBe(distinctDocumentIds().length);
    expect(report.totals.byStatus).toEqual({
      valid: valid.length,
      needs_review: all.filter((record) => record.status === 'needs_review').length,
      rejected: all.filter((record) => record.status === 'rejected').length,
    });
    expect(report.totals.amountCents).toBe(sum(valid));
    const years = [...new Set(all.flatMap((record) => (record.agreement.budgetYear === undefined ? [] : [record.agreement.budgetYear])))];
    expect(Object.keys(report.totals.byYear).sort()).toEqual(years.map(String).sort());
    for (const year of years) {
      const ofYear = all.filter((record) => record.agreement.budgetYear === year);
      expect(report.totals.byYear[String(year)]).toEqual({ documents: ofYear.length, amountCents: sum(ofYear.filter((record) => record.status === 'valid')) });
    }
    const recipients = [...new Set(all.flatMap((record) => recipientOf(record)?.name ?? []))];
    expect(Object.keys(report.totals.byRecipient).sort()).toEqual(recipients.sort());
    for (const recipient of recipients) {
      const ofRecipient = all.filter((record) => recipientOf(record)?.name === recipient);
      expect(report.totals.byRecipient[recipient]).toEqual({ documents: ofRecipient.length, amountCents: sum(ofRecipient.filter((record) => record.status === 'valid')) });
    }
  });

  it('lists what needs review with the reason and the text, the conflict and the duplicate', async () => {
    const review = report.review.find((item) => item.documentId === reviewDocumentId)!;
    expect(review.status).toBe('needs_review');
    expect(review.issues.map((issue) => issue.code)).toEqual(['signature.date_invalid']);
    expect(review.text).toContain('31.02.');
    expect(report.review.map((item) => item.documentId).sort()).toEqual(
      report.documents.filter((record) => record.status !== 'valid').map((record) => record.documentId).sort(),
    );

    const generated = files.get('generated/zv-000.pdf')!;
    const amended = files.get('generated/zv-000-nachtrag.pdf')!;
    const conflict = report.conflicts.find((candidate) => candidate.documents.some((document) => document.documentId === documentIdOf(amended)))!;
    expect(conflict.documents.map((document) => document.documentId).sort()).toEqual([documentIdOf(generated), documentIdOf(amended)].sort());
    expect(conflict.documents.find((document) => document.documentId === documentIdOf(amended))!.amountCents).toBe(111_111_100);

    const copy = files.get('generated/zv-001.pdf')!;
    const duplicate = report.duplicates.find((candidate) => candidate.documents.some((document) => document.documentId === documentIdOf(copy)))!;
    // The record is named after whichever of the two keys the pipeline stored first.
    const [first] = duplicate.documents;
    expect(duplicate).toEqual({ kind: 'same-file', documents: [{ documentId: documentIdOf(copy), fileName: first!.fileName, keys: duplicateKeys }] });
    expect(['zv-001.pdf', 'kopie von zv-001.pdf']).toContain(first!.fileName);
    // The agreement with the impossible date is zv-002 again, with the same recipient, year and amount.
    const sameAgreement = report.duplicates.filter((candidate) => candidate.kind === 'same-agreement');
    expect(sameAgreement.map((group) => group.documents.map((document) => document.documentId).sort())).toEqual([
      [documentIdOf(files.get('generated/zv-002.pdf')!), reviewDocumentId].sort(),
    ]);
  });

  it('renders the HTML report in a browser: a visible chart, one table row per record', async () => {
    const opened = await openHtml((await objectBytes(`reports/${batch}/report.html`)).toString('utf8'), { screenshot: 'batch-report.png' });
    try {
      expect(await opened.page.title()).toBe(`Extraktionsbericht: Batch ${batch}`);
      const chart = opened.page.locator('#chart svg');
      expect(await chart.isVisible()).toBe(true);
      const recipientsWithAmount = new Set(report.documents.filter((record) => record.status === 'valid').map((record) => recipientOf(record)!.name));
      // The largest sums have a bar each, the others share one: 15 bars at most.
      expect(await chart.locator('rect.bar').count()).toBe(Math.min(15, recipientsWithAmount.size));
      const rows = opened.page.locator('#documents tbody tr');
      expect(await rows.evaluateAll((elements) => elements.map((row) => row.getAttribute('data-document-id')))).toEqual(report.documents.map((record) => record.documentId));
      expect(await opened.page.locator('#documents tbody td.fileName').allTextContents()).toEqual(report.documents.map((record) => record.fileName));
      expect(await opened.page.locator(`.review-item[data-document-id="${reviewDocumentId}"]`).isVisible()).toBe(true);
      expect(opened.consoleErrors).toEqual([]);
      expect(opened.outsideRequests).toEqual([]);
    } finally {
      await opened.close();
    }
  }, 120_000);

  it('writes a spreadsheet that holds the same rows', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(new Uint8Array(await objectBytes(`reports/${batch}/report.xlsx`)).buffer);
    const sheet = workbook.getWorksheet('Dokumente')!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(COLUMNS.map((column) => column.header));
    expect(sheet.rowCount).toBe(report.documents.length + 1);
    report.documents.forEach((record, index) => {
      const cells = (sheet.getRow(index + 2).values as unknown[]).slice(1);
      const expected = documentRow(record, report.keys[record.documentId] ?? []);
      expect(cells.length).toBeLessThanOrEqual(expected.length);
      expected.forEach((cell, column) => {
        // Signature dates are real dates in the spreadsheet: midnight UTC of the day.
        const value = COLUMNS[column]!.date && typeof cell === 'string' ? new Date(`${cell}T00:00:00Z`) : cell;
        expect(cells[column] ?? undefined, `${record.fileName}: ${COLUMNS[column]!.header}`).toEqual(value);
      });
    });
  });

  it('shows the batch as complete in agreements status, with the pages Textract read and what they cost', async () => {
    const { stdout, code } = await agreements(['status', '--batch', batch, '--json']);
    expect(code).toBe(0);
    const textractPages = (await records.getMany(distinctDocumentIds())).reduce((pages, document) => pages + (document.textractPages ?? 0), 0);
    // The fixtures' scans and the scanned pages of the mixed ones; the digital pages cost nothing.
    expect(textractPages).toBeGreaterThan(0);
    expect(report.totals.ocr).toEqual({ textractPages, pricePer1000PagesUsd: 1.5, estimatedCostUsd: (textractPages * 1.5) / 1000 });
    expect(JSON.parse(stdout.split('\n')[0]!)).toEqual({
      batch,
      createdAt: state.createdAt,
      expected: files.size,
      processed: files.size,
      valid: report.totals.byStatus.valid,
      needs_review: report.totals.byStatus.needs_review,
      rejected: report.totals.byStatus.rejected,
      awaitingOcr: 0,
      complete: true,
      reportKeys: state.reportKeys,
      ocr: { textractPages, pricePer1000PagesUsd: 1.5, estimatedCostUsd: (textractPages * 1.5) / 1000 },
    });
    const repriced = await agreements(['status', '--batch', batch, '--json', '--textract-price', '0.6']);
    expect(JSON.parse(repriced.stdout.split('\n')[0]!).ocr).toEqual({ textractPages, pricePer1000PagesUsd: 0.6, estimatedCostUsd: (textractPages * 0.6) / 1000 });

    // Watching a finished batch shows it once, with where its report is, and ends.
    const watched = await agreements(['status', '--batch', batch, '--watch']);
    expect(watched.code).toBe(0);
    const [header, row, ...reportLines] = watched.stdout.trim().split('\n');
    expect(header).toMatch(/^batch\s+expected\s+processed\s+valid\s+needs_review\s+rejected\s+in OCR\s+OCR pages\s+Textract cost\s+report$/);
    const { valid, needs_review, rejected } = report.totals.byStatus;
    const cost = `\\$${((textractPages * 1.5) / 1000).toFixed(4)}`;
    expect(row).toMatch(new RegExp(`^${batch}\\s+${files.size}\\s+${files.size}\\s+${valid}\\s+${needs_review}\\s+${rejected}\\s+0\\s+${textractPages}\\s+${cost}\\s+ready$`));
    expect(reportLines).toEqual(state.reportKeys!.map((key) => `report: s3://${pipeline.bucket}/${key}`));
  }, 120_000);
});

describe('the nightly report', () => {
  it('covers every stored record when EventBridge calls the report function on its schedule', async () => {
    Object.assign(process.env, {
      ...functionStorageEnvironment(pipeline),
    });
    const { handler } = await import('../../functions/report.js');
    const scheduled = { version: '0', id: 'nightly', 'detail-type': 'Scheduled Event', source: 'aws.events', account: '000000000000', time: new Date().toISOString(), region: pipeline.region, resources: [], detail: {} };
    await handler(scheduled as never, { functionName: 'report', awsRequestId: batch } as never);

    const nightly: Report = JSON.parse((await objectBytes('reports/all/report.json')).toString('utf8'));
    const stored: string[] = [];
    for await (const document of records.scan()) if (document.record) stored.push(document.documentId);
    expect(nightly.batch).toBeNull();
    expect(nightly.scope).toBe('Alle gespeicherten Dokumente');
    expect(nightly.documents.map((record) => record.documentId).sort()).toEqual(stored.sort());
    expect(nightly.totals.documents).toBe(stored.length);
    expect(await listKeys('reports/all/')).toEqual(['reports/all/report.csv', 'reports/all/report.html', 'reports/all/report.json', 'reports/all/report.xlsx']);
  }, 120_000);
});

describe('review and reprocessing', () => {
  it('lists the record that needs review and accepts it with a correction, keeping the original and an audit entry', async () => {
    const listed = await agreements(['review', 'list', '--json']);
    expect(listed.code).toBe(0);
    const queue = listed.stdout.trim().split('\n').map((line) => JSON.parse(line));
    // The impossible date is the one value missing; the recipient's place, name and office are kept.
    expect(queue.find((item) => item.documentId === reviewDocumentId)).toMatchObject({
      status: 'needs_review',
      issues: [{ path: 'agreement.signatures[1].date', code: 'signature.date_invalid' }],
    });

    const before = (await records.get(reviewDocumentId))!.record!;
    const [funder, recipient] = before.agreement.signatures!;
    expect(recipient).toMatchObject({ party: 'recipient', place: expect.any(String), name: expect.any(String), title: expect.any(String) });
    expect(recipient?.date).toBeUndefined();
    const date = `${before.agreement.budgetYear}-02-28`;
    const acceptedAt = new Date().toISOString();
    const accepted = await agreements([
      'review', 'accept', reviewDocumentId.slice('sha256:'.length, 'sha256:'.length + 12),
      // The date as people write it.
      '--set', `agreement.signatures[1].date=28.2.${before.agreement.budgetYear}`,
      '--by', 'Prüferin Test',
    ]);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stdout).toContain(`accepted ${reviewDocumentId}`);
    expect(accepted.stdout).toContain(`report asked for again: ${batch}\n`);

    const stored = (await records.get(reviewDocumentId))!;
    expect(stored.record).toEqual({ ...before, status: 'valid', issues: [], agreement: { ...before.agreement, signatures: [funder, { ...recipient, date }] } });
    expect(stored.original).toEqual(before);
    expect(stored.audit).toHaveLength(1);
    expect(stored.audit[0]).toMatchObject({
      action: 'accept',
      by: 'Prüferin Test',
      changes: [{ path: 'agreement.signatures[1].date', to: date }],
      resolvedIssues: before.issues,
    });
    const fromBucket = JSON.parse((await objectBytes(`records/${reviewDocumentId.slice('sha256:'.length)}.json`)).toString('utf8'));
    expect(fromBucket).toEqual(stored.record);

    // The pipeline writes the batch's report again, with the record now valid.
    await waitFor(`the report of batch ${batch} written again after ${acceptedAt}`, async () => {
      const current = await batches.get(batch);
      return current?.reportedAt && current.reportedAt > acceptedAt ? current : undefined;
    });
    const rewritten: Report = JSON.parse((await objectBytes(`reports/${batch}/report.json`)).toString('utf8'));
    // A valid record's evidence stays out of the report.
    const { evidence: _storedEvidence, ...storedFields } = stored.record!;
    expect(rewritten.documents.find((record) => record.documentId === reviewDocumentId)).toEqual(storedFields);
    expect(rewritten.totals.byStatus.valid).toBe(report.totals.byStatus.valid + 1);

    const out = join(folder, 'after-review.json');
    const reported = await agreements(['report', '--batch', batch, '--out', out]);
    expect(reported.code, reported.stderr).toBe(0);
    const after: Report = JSON.parse(readFileSync(out, 'utf8'));
    expect(after.totals.byStatus.valid).toBe(report.totals.byStatus.valid + 1);
    expect(after.totals.amountCents).toBe(report.totals.amountCents + stored.record!.agreement.amount!.cents);
  }, 120_000);

  it('rejects a record with the reviewer\'s reason, keeping the original and an audit entry, and writes the report again', async () => {
    const documentId = documentIdOf(files.get('generated/zv-000-nachtrag.pdf')!);
    const before = (await records.get(documentId))!;
    const refused = await agreements(['review', 'reject', documentId, '--reason', ' ', '--by', 'Prüfer Test']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/(^|\n)agreements: a rejection needs a reason:\n {2}reason: must not be empty\n$/);

    const rejectedAt = new Date().toISOString();
    const rejected = await agreements(['review', 'reject', documentId, '--reason', 'Nachtrag ohne Unterschrift', '--by', 'Prüfer Test']);
    expect(rejected.code, rejected.stderr).toBe(0);
    expect(rejected.stdout).toBe(`rejected ${documentId} (zv-000-nachtrag.pdf), by Prüfer Test: Nachtrag ohne Unterschrift\n  report asked for again: ${batch}\n`);
    const stored = (await records.get(documentId))!;
    expect(stored.version).toBe(before.version + 1);
    expect(stored.record).toEqual({
      ...before.record,
      status: 'rejected',
      issues: [...before.record!.issues, { path: 'document', code: 'review.rejected', message: 'Rejected in review by Prüfer Test: Nachtrag ohne Unterschrift' }],
    });
    expect(stored.original).toEqual(before.record);
    expect(stored.audit).toEqual([{ action: 'reject', at: expect.any(String), by: 'Prüfer Test', reason: 'Nachtrag ohne Unterschrift' }]);
    expect(JSON.parse((await objectBytes(`records/${documentId.slice('sha256:'.length)}.json`)).toString('utf8'))).toEqual(stored.record);
    await waitFor(`the report of batch ${batch} written again after ${rejectedAt}`, async () => {
      const current = await batches.get(batch);
      return current?.reportedAt && current.reportedAt > rejectedAt ? current : undefined;
    });
    const rewritten: Report = JSON.parse((await objectBytes(`reports/${batch}/report.json`)).toString('utf8'));
    expect(rewritten.documents.find((record) => record.documentId === documentId)?.status).toBe('rejected');
  }, 120_000);

  it('reprocesses stored PDFs with the current extractor: a stale record is replaced, an accepted one kept', async () => {
    // A record as an older, worse extractor might have left it, from before records carried evidence.
    const bytes = files.get('generated/zv-005.pdf')!;
    const documentId = documentIdOf(bytes);
    const current = (await records.get(documentId))!;
    const { evidence: _evidence, ...withoutEvidence } = current.record!;
    const stale: AgreementRecord = {
      ...withoutEvidence,
      status: 'needs_review',
      agreement: { ...current.record!.agreement, amount: { cents: 100, currency: 'EUR', text: '1 Euro' } },
      issues: [{ path: 'agreement.amount', code: 'amount.implausible', message: 'implausible' }],
    };
    await records.put(stale, { key: current.keys[0]!, now: new Date(), extractorVersion: '2000.1.0', expectedVersion: current.version });

    // The documents of this batch that need review: other test files leave records for review in the
    // same table, whose PDFs are gone or which Textract cannot read, and a reprocess fails those.
    const dryRun = await agreements(['reprocess', '--batch', batch, '--status', 'needs_review', '--dry-run', '--json']);
    expect(dryRun.code, dryRun.stderr).toBe(0);
    const planned = dryRun.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(planned.find((outcome) => outcome.documentId === documentId)).toMatchObject({ kind: 'changed', previousVersion: '2000.1.0' });
    expect((await records.get(documentId))!.record).toEqual(stale);

    const reprocessed = await agreements(['reprocess', '--batch', batch, '--json']);
    expect(reprocessed.code, reprocessed.stderr).toBe(0);
    const outcomes = reprocessed.stdout.trim().split('\n').map((line) => JSON.parse(line));
    const changed = outcomes.find((outcome) => outcome.documentId === documentId);
    expect(changed.kind).toBe('changed');
    expect(changed.evidenceAdded).toBe(true);
    expect(changed.changes).toEqual(
      expect.arrayContaining([
        { path: 'status', from: 'needs_review', to: 'valid' },
        { path: 'agreement.amount.cents', from: 100, to: current.record!.agreement.amount!.cents },
      ]),
    );
    expect(outcomes.find((outcome) => outcome.documentId === reviewDocumentId)).toMatchObject({ kind: 'kept', reason: expect.stringContaining('accepted in review by Prüferin Test') });
    const rejectedInReview = documentIdOf(files.get('generated/zv-000-nachtrag.pdf')!);
    expect(outcomes.find((outcome) => outcome.documentId === rejectedInReview)).toMatchObject({ kind: 'kept', reason: expect.stringContaining('rejected in review by Prüfer Test') });

    const restored = (await records.get(documentId))!;
    expect(restored.record).toEqual(await extractDocument(bytes, 'zv-005.pdf', { config: extractionConfigSchema.parse({ ocr: 'never' }) }));
    expect(restored.record?.evidence?.length).toBeGreaterThan(0);
    // Every other document of the batch was read as before.
    for (const outcome of outcomes.filter((candidate) => ![documentId, reviewDocumentId, rejectedInReview].includes(candidate.documentId))) {
      expect(outcome, `${outcome.fileName}: ${JSON.stringify(outcome.changes)}`).toMatchObject({ kind: 'unchanged', previousVersion: EXTRACTOR_VERSION, evidenceAdded: false });
    }
    expect(restored.extractorVersion).toBe(EXTRACTOR_VERSION);
  }, 600_000);
});
