import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import ExcelJS from 'exceljs';
import { readSheet } from 'read-excel-file/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { GEBIETSKOERPERSCHAFTEN } from '../../shared/data/gebietskoerperschaften.js';
import { collect } from '../../shared/report/output.js';
import { REPORT_FORMATS, type Report, type ReportEntry, textractCost } from '../../shared/report/model.js';
import { buildReport, contentOf, writeReport } from '../../shared/report/report.js';
import { ReportSnapshot } from '../../shared/report/snapshot.js';
import type { AgreementRecord, Evidence } from '../../shared/schema/record.js';
import { loadFixtures } from '../support/fixtures.js';

/**
 * Reports read page by page into a snapshot on disk: the same report, in every format, as one held in
 * memory; and a report over ten thousand documents whose HTML opens with its tables closed per recipient
 * and whose chart shows the largest recipients and one bar for the others.
 */

const input = { batch: 'archiv', scope: 'Batch archiv', generatedAt: new Date('2026-02-01T09:00:00Z'), textractPricePer1000PagesUsd: 0.6 };
const amountEvidence = (text: string, confidence: number): Evidence => ({
  path: 'agreement.amount',
  page: 2,
  box: { left: 0.4, top: 0.7, width: 0.12, height: 0.016 },
  source: 'tesseract',
  confidence,
  text,
});
const amountIssue = { path: 'agreement.amount', code: 'amount.implausible', message: 'Betrag unplausibel' };
// Every fixture, with evidence (which the report keeps for documents under review only), an issue about the amount for those under review, the review text and Textract's pages.
const fixtureEntries: ReportEntry[] = loadFixtures().map((fixture, index) => {
  const amount = fixture.expected.agreement.amount?.text ?? '1.000 Euro';
  const issues = fixture.expected.status === 'needs_review' ? [...fixture.expected.issues, amountIssue] : fixture.expected.issues;
  return {
    record: { ...fixture.expected, issues, evidence: [amountEvidence(amount, 0.5)] },
    keys: [`incoming/archiv/${fixture.expected.fileName}`, ...(index % 5 === 0 ? [`incoming/archiv/kopie-${index}.pdf`] : [])],
    ...(fixture.expected.status !== 'valid' ? { text: `Seite eins von ${fixture.expected.fileName}\fBetrag: ${amount}` } : {}),
    ...(index % 3 === 0 ? { textractPages: 2 } : {}),
  };
});

async function snapshotOf(entries: readonly ReportEntry[]) {
  const snapshot = await ReportSnapshot.create();
  for (const entry of entries) await snapshot.add(entry);
  return snapshot;
}

async function sheetValues(bytes: Buffer): Promise<unknown[][][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(new Uint8Array(bytes).buffer);
  return workbook.worksheets.map((worksheet) => worksheet.getSheetValues().map((row) => (Array.isArray(row) ? row.slice(1) : [])));
}

describe('a report kept on disk', () => {
  it('is the report held in memory, in every format', async () => {
    // One document arrives twice, as a page read again would bring it.
    const snapshot = await snapshotOf([...fixtureEntries, fixtureEntries[3]!]);
    try {
      const onDisk = snapshot.content(input);
      const inMemory = contentOf(buildReport({ ...input, entries: fixtureEntries }));
      expect(onDisk.summary).toEqual(inMemory.summary);
      // What main's newer report holds is part of it: Textract's pages and cost, and the values under review with their lines.
      expect(onDisk.summary.totals.ocr).toEqual(textractCost(2 * fixtureEntries.filter((entry) => entry.textractPages).length, 0.6));
      const reviewed = fixtureEntries.filter((entry) => entry.record.status === 'needs_review');
      expect(reviewed).toHaveLength(4);
      for (const entry of reviewed) {
        const amount = entry.record.evidence![0]!.text;
        expect(onDisk.summary.review.find((item) => item.documentId === entry.record.documentId)!.values).toEqual([
          { path: 'agreement.amount', code: 'amount.implausible', page: 2, read: amount, line: `Betrag: ${amount}`, source: 'tesseract', confidence: 0.5 },
        ]);
      }
      const documents: AgreementRecord[] = [];
      for await (const record of onDisk.documents()) documents.push(record);
      expect(documents.filter((record) => record.evidence !== undefined).map((record) => record.status)).not.toContain('valid');
      expect(documents.filter((record) => record.status !== 'valid').every((record) => record.evidence?.length === 1)).toBe(true);
      for (const format of REPORT_FORMATS) {
        const [fromDisk, fromMemory] = await Promise.all([collect((stream) => writeReport(onDisk, format, stream)), collect((stream) => writeReport(inMemory, format, stream))]);
        // A zip records when its files were written; the sheets' contents must be the same.
        if (format === 'xlsx') expect(await sheetValues(fromDisk)).toEqual(await sheetValues(fromMemory));
        else expect(fromDisk.toString('utf8'), format).toBe(fromMemory.toString('utf8'));
      }
    } finally {
      await snapshot.close();
    }
  });

  it('reads every format from the same reading, and leaves no file behind', async () => {
    const before = readdirSync(tmpdir()).filter((name) => name.startsWith('report-')).length;
    const entry = structuredClone(fixtureEntries[0]!);
    const snapshot = await snapshotOf([entry]);
    // A caller changing its objects afterwards changes nothing in the report.
    entry.record.fileName = 'geändert.pdf';
    const content = snapshot.content(input);
    const documents: AgreementRecord[] = [];
    for await (const record of content.documents()) documents.push(record);
    expect(documents.map((record) => record.fileName)).toEqual([fixtureEntries[0]!.record.fileName]);
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith('report-'))).toHaveLength(before + 1);
    await snapshot.close();
    expect(readdirSync(tmpdir()).filter((name) => name.startsWith('report-'))).toHaveLength(before);
  });
});

describe('a report over ten thousand documents', () => {
  const DOCUMENTS = 10_000;
  const template = loadFixtures().find((fixture) => fixture.expected.fileName === 'zv-2019-hochtaunuskreis.pdf')!.expected;
  let report: Report;
  let html: string;
  let xlsx: Buffer;

  beforeAll(async () => {
    const entries: ReportEntry[] = Array.from({ length: DOCUMENTS }, (_, index) => {
      const recipient = GEBIETSKOERPERSCHAFTEN[index % GEBIETSKOERPERSCHAFTEN.length]!;
      const record = structuredClone(template);
      record.documentId = `sha256:${index.toString(16).padStart(64, '0')}`;
      record.fileName = `zv-${String(index).padStart(5, '0')}.pdf`;
      record.agreement.budgetYear = 2011 + (index % 16);
      record.agreement.parties = [record.agreement.parties![0]!, { role: 'recipient', name: recipient.name, kind: recipient.kind }];
      // Each recipient's sum differs from the others', the first recipients' the largest.
      record.agreement.amount = { ...record.agreement.amount!, cents: 100_000_000 + (GEBIETSKOERPERSCHAFTEN.length - (index % GEBIETSKOERPERSCHAFTEN.length)) * 1_000_000 };
      record.evidence = [amountEvidence(record.agreement.amount.text, 0.6)];
      if (index % 50 === 0) Object.assign(record, { status: 'needs_review', issues: [amountIssue] });
      return {
        record,
        keys: [`incoming/archiv/${record.fileName}`],
        ...(index % 50 === 0 ? { text: `Zielvereinbarung\fBetrag: ${record.agreement.amount.text}` } : {}),
        ...(index % 10 === 0 ? { textractPages: 3 } : {}),
      };
    });
    const snapshot = await snapshotOf(entries);
    try {
      const content = snapshot.content(input);
      html = (await collect((stream) => writeReport(content, 'html', stream))).toString('utf8');
      report = JSON.parse((await collect((stream) => writeReport(content, 'json', stream))).toString('utf8'));
      xlsx = await collect((stream) => writeReport(content, 'xlsx', stream));
    } finally {
      await snapshot.close();
    }
  }, 300_000);

  it('writes report.json with every document, and totals that equal its rows', () => {
    expect(report.documents).toHaveLength(DOCUMENTS);
    expect(new Set(report.documents.map((record) => record.documentId)).size).toBe(DOCUMENTS);
    expect(report.totals.documents).toBe(DOCUMENTS);
    expect(report.totals.byStatus).toEqual({ valid: DOCUMENTS - DOCUMENTS / 50, needs_review: DOCUMENTS / 50, rejected: 0 });
    const valid = report.documents.filter((record) => record.status === 'valid');
    expect(report.totals.amountCents).toBe(valid.reduce((sum, record) => sum + record.agreement.amount!.cents, 0));
    expect(Object.values(report.totals.byRecipient).reduce((sum, total) => sum + total.documents, 0)).toBe(DOCUMENTS);
    expect(Object.values(report.totals.byYear).reduce((sum, total) => sum + total.amountCents, 0)).toBe(report.totals.amountCents);
    expect(report.totals.ocr).toEqual(textractCost((DOCUMENTS / 10) * 3, 0.6));
    expect(report.review).toHaveLength(DOCUMENTS / 50);
    expect(report.review[0]!.text).toBe(`Zielvereinbarung\fBetrag: ${template.agreement.amount!.text}`);
  });

  it('keeps the evidence of the documents under review only, and shows where each value under review was read', () => {
    expect(report.documents.filter((record) => record.evidence !== undefined)).toHaveLength(DOCUMENTS / 50);
    expect(report.documents.filter((record) => record.evidence !== undefined).every((record) => record.status === 'needs_review')).toBe(true);
    const read = template.agreement.amount!.text;
    for (const item of report.review) {
      expect(item.values).toEqual([{ path: 'agreement.amount', code: 'amount.implausible', page: 2, read, line: `Betrag: ${read}`, source: 'tesseract', confidence: 0.6 }]);
    }
    expect(html.match(/<ul class="values"><li><code>agreement.amount<\/code>: Seite 2, Zeile „Betrag: [^“]*“ \(gelesen „[^“]*“, Texterkennung 60 %\)<\/li><\/ul>/g)).toHaveLength(DOCUMENTS / 50);
    expect(html).toContain('<td class="number" id="ocr-pages">3000</td>');
  });

  it('shows the documents in one closed table per recipient, with the counts in its heading', () => {
    const groups = [...html.matchAll(/<details class="recipient"( open)?><summary>([^<]*) <span class="counts">· ([^<]*)<\/span><\/summary>/g)];
    expect(groups).toHaveLength(GEBIETSKOERPERSCHAFTEN.length);
    expect(groups.every((group) => group[1] === undefined)).toBe(true);
    const first = [...GEBIETSKOERPERSCHAFTEN].sort((a, b) => a.name.localeCompare(b.name, 'de'))[0]!;
    const ofFirst = report.documents.filter((record) => record.agreement.parties![1]!.name === first.name);
    const reviewed = ofFirst.filter((record) => record.status === 'needs_review').length;
    expect(groups[0]![2]).toBe(`${first.name} (${first.kind === 'landkreis' ? 'Landkreis' : 'kreisfreie Stadt'})`);
    expect(groups[0]![3]).toBe(`${ofFirst.length} Dokumente: ${ofFirst.length - reviewed} gültig${reviewed ? `, ${reviewed} zu prüfen` : ''}`);
    expect(html.match(/<tr class="(valid|needs_review|rejected)" data-document-id="/g)).toHaveLength(DOCUMENTS);
    expect(html).toContain(`<p>${DOCUMENTS} Dokumente in ${GEBIETSKOERPERSCHAFTEN.length} Gruppen je Empfänger; ein Klick auf eine Gruppe öffnet sie.</p>`);
  });

  it('charts the 14 recipients with the largest sums and one bar for the other 12', () => {
    const labels = [...html.matchAll(/<g role="listitem" aria-label="([^"]*)"/g)].map((match) => match[1]!.replace(/: .*$/, ''));
    const bySum = Object.entries(report.totals.byRecipient).sort(([a, x], [b, y]) => y.amountCents - x.amountCents || a.localeCompare(b, 'de'));
    expect(labels).toEqual([...bySum.slice(0, 14).map(([name]) => name), 'Übrige 12 Empfänger']);
    expect(html.match(/<rect class="bar others"/g)).toHaveLength(1);
    const others = bySum.slice(14).reduce((sum, [, total]) => sum + total.amountCents, 0);
    expect(html).toContain(`aria-label="Übrige 12 Empfänger: ${new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' }).format(others / 100)}"`);
  });

  it('writes a spreadsheet another reader reads back: a row per document in the report\'s order, real dates, sums equal to the totals', async () => {
    const documents = await readSheet(xlsx, 'Dokumente');
    expect(documents).toHaveLength(DOCUMENTS + 1);
    const header = documents[0]!;
    const at = (name: string) => header.indexOf(name);
    expect(documents.slice(1).map((row) => row[at('Datei')])).toEqual(report.documents.map((record) => record.fileName));
    const validAmounts = documents.slice(1).filter((row) => row[at('Status')] === 'gültig').map((row) => Math.round((row[at('Betrag (EUR)')] as number) * 100));
    expect(validAmounts).toHaveLength(report.totals.byStatus.valid);
    expect(validAmounts.reduce((sum, cents) => sum + cents, 0)).toBe(report.totals.amountCents);
    expect(documents[1]![at('Datum Ministerium')]).toEqual(new Date(`${template.agreement.signatures!.find((signature) => signature.party === 'funder')!.date}T00:00:00Z`));
    const projects = template.agreement.measures!.reduce((sum, measure) => sum + Math.max(1, measure.projects.length), 0);
    expect(await readSheet(xlsx, 'Maßnahmen')).toHaveLength(DOCUMENTS * projects + 1);
    const review = await readSheet(xlsx, 'Zu prüfen');
    expect(review).toHaveLength(DOCUMENTS / 50 + 1);
    expect(review[1]!.slice(-2)).toEqual(['agreement.amount', `Seite 2, Zeile „Betrag: ${template.agreement.amount!.text}“ (gelesen „${template.agreement.amount!.text}“, Texterkennung 60 %)`]);
    const totals = await readSheet(xlsx, 'Summen');
    expect(totals[1]).toEqual(['gesamt', 'alle Dokumente', DOCUMENTS, report.totals.amountCents / 100]);
  }, 120_000);
});
