import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report, ReportEntry } from '../../shared/report/model.js';
import { buildReport, renderReport } from '../../shared/report/report.js';
import type { AgreementRecord } from '../../shared/schema/record.js';
import { type OpenedHtml, openHtml } from '../support/browser.js';
import { loadFixtures } from '../support/fixtures.js';

/**
 * The HTML report as a browser shows it: every fixture's expected record plus one document under
 * review, rendered and opened in Chromium. The screenshot it leaves in test-artifacts/report.png is for
 * a person to look at the layout.
 */

const STATUS_LABELS = { valid: 'gültig', needs_review: 'zu prüfen', rejected: 'abgewiesen' } as const;
const recipientName = (record: AgreementRecord) => record.agreement.parties?.find((party) => party.role === 'recipient')?.name;

const fixtureRecords = loadFixtures().map((fixture) => fixture.expected);
const wetterau = fixtureRecords.find((record) => record.fileName === 'scan-2022-wetteraukreis.pdf');
if (!wetterau) throw new Error('fixture scan-2022-wetteraukreis.pdf is missing');
// A second scan of the Wetterau agreement whose amount OCR misread: under review, and in conflict with the first.
const underReview: AgreementRecord = {
  ...structuredClone(wetterau),
  documentId: `sha256:${createHash('sha256').update('scan-2022-wetteraukreis-unscharf.pdf').digest('hex')}`,
  fileName: 'scan-2022-wetteraukreis-unscharf.pdf',
  status: 'needs_review',
  agreement: { ...structuredClone(wetterau.agreement), amount: { cents: 18_840_373, currency: 'EUR', text: '188.403,73 Euro' } },
  issues: [{ path: 'agreement.amount', code: 'amount.implausible', message: 'Betrag 188.403,73 Euro ist für ein Jahresbudget unplausibel niedrig' }],
};
const records = [...fixtureRecords, underReview];
const entries: ReportEntry[] = records.map((record) => ({
  record,
  keys: [`incoming/${record.fileName}`],
  ...(record === underReview ? { text: 'Zielvereinbarung 2022\nWetteraukreis\f188.403,73 Euro\nFriedberg, den 12.05.2022' } : {}),
}));

describe('HTML report in Chromium', () => {
  let report: Report;
  let opened: OpenedHtml;

  beforeAll(async () => {
    report = buildReport({ batch: 'fixtures', scope: 'alle Fixtures', generatedAt: new Date('2025-11-25T08:30:00Z'), entries });
    opened = await openHtml((await renderReport(report, 'html')) as string, { screenshot: 'report.png' });
  }, 120_000);

  afterAll(async () => {
    await opened?.close();
  });

  it('renders the page with its title and heading', async () => {
    await expect(opened.page.title()).resolves.toBe('Extraktionsbericht: alle Fixtures');
    await expect(opened.page.locator('h1').innerText()).resolves.toBe('Extraktionsbericht: alle Fixtures');
  });

  it('shows the chart with a bar for each of the 14 recipients with the largest valid sums and one for the others, every label inside the chart', async () => {
    const chart = opened.page.locator('#chart svg');
    expect(await chart.isVisible()).toBe(true);
    const sums = new Map<string, number>();
    for (const record of records) {
      if (record.status === 'valid' && (record.agreement.amount?.cents ?? 0) > 0) sums.set(recipientName(record)!, (sums.get(recipientName(record)!) ?? 0) + record.agreement.amount!.cents);
    }
    expect(sums.size).toBe(22);
    const largest = [...sums].sort(([a, x], [b, y]) => y - x || a.localeCompare(b, 'de')).slice(0, 14);
    const bars = chart.locator('rect.bar');
    await expect(bars.count()).resolves.toBe(15);
    await expect(chart.locator('rect.bar.others').count()).resolves.toBe(1);
    const barLabels = await chart.locator('g[role="listitem"] > text[text-anchor="end"]').allTextContents();
    expect(barLabels).toEqual([...largest.map(([name]) => name), 'Übrige 8 Empfänger']);

    const chartBox = (await chart.boundingBox())!;
    const barWidths = await bars.evaluateAll((rects) => rects.map((rect) => rect.getBoundingClientRect().width));
    for (const width of barWidths) expect(width).toBeGreaterThan(0);
    // Text that runs past the SVG's edge is cut off on screen and on paper.
    const textBoxes = await chart.locator('text').evaluateAll((texts) =>
      texts.map((text) => {
        const { x, y, width, height } = text.getBoundingClientRect();
        return { text: text.textContent, x, y, width, height };
      }),
    );
    for (const box of textBoxes) {
      expect(box.x, box.text ?? '').toBeGreaterThanOrEqual(chartBox.x - 0.5);
      expect(box.x + box.width, box.text ?? '').toBeLessThanOrEqual(chartBox.x + chartBox.width + 0.5);
      expect(box.y, box.text ?? '').toBeGreaterThanOrEqual(chartBox.y - 0.5);
      expect(box.y + box.height, box.text ?? '').toBeLessThanOrEqual(chartBox.y + chartBox.height + 0.5);
    }
  });

  it('has one documents row per record, with its file name, recipient, year and status', async () => {
    const rows = await opened.page.locator('#documents tbody tr').evaluateAll((trs) =>
      trs.map((tr) => {
        const cell = (key: string) => tr.querySelector(`td.${key}`)?.textContent ?? null;
        return { documentId: tr.getAttribute('data-document-id'), fileName: cell('fileName'), recipient: cell('recipient'), budgetYear: cell('budgetYear'), status: cell('status') };
      }),
    );
    expect(rows).toHaveLength(records.length);
    expect(rows.map((row) => row.documentId)).toEqual(report.documents.map((record) => record.documentId));
    expect(new Set(rows.map((row) => row.documentId))).toEqual(new Set(records.map((record) => record.documentId)));
    for (const row of rows) {
      const record = records.find((candidate) => candidate.documentId === row.documentId)!;
      expect(row).toEqual({
        documentId: record.documentId,
        fileName: record.fileName,
        recipient: recipientName(record) ?? '',
        budgetYear: record.agreement.budgetYear === undefined ? '' : String(record.agreement.budgetYear),
        status: STATUS_LABELS[record.status],
      });
    }
  });

  it('keeps the content of every documents cell inside the cell, so that nothing is cut off or runs into the next column', async () => {
    const overflowing = await opened.page.locator('#documents td').evaluateAll((cells) =>
      cells.filter((cell) => cell.scrollWidth > cell.clientWidth + 1).map((cell) => `${cell.className}: ${cell.textContent}`),
    );
    expect(overflowing).toEqual([]);
  });

  it('lists the document under review with its issue and the text it was read from', async () => {
    const item = opened.page.locator(`.review-item[data-document-id="${underReview.documentId}"]`);
    expect(await item.isVisible()).toBe(true);
    await expect(item.locator('h3').innerText()).resolves.toBe('scan-2022-wetteraukreis-unscharf.pdf — zu prüfen');
    await expect(item.locator('ul.issues li').allInnerTexts()).resolves.toEqual([
      'agreement.amount · amount.implausible: Betrag 188.403,73 Euro ist für ein Jahresbudget unplausibel niedrig',
    ]);
    await expect(item.locator('summary').innerText()).resolves.toBe('Gelesener Text (2 Seiten)');
    await expect(item.locator('pre.source').textContent()).resolves.toBe(
      '--- Seite 1 ---\nZielvereinbarung 2022\nWetteraukreis\n\n--- Seite 2 ---\n188.403,73 Euro\nFriedberg, den 12.05.2022',
    );
    // Every rejected fixture, and every damaged one that was read, is listed too.
    const reviewed = await opened.page.locator('.review-item').evaluateAll((items) => items.map((div) => div.getAttribute('data-document-id')));
    expect(reviewed).toEqual(report.documents.filter((record) => record.status !== 'valid').map((record) => record.documentId));
    expect(reviewed).toHaveLength(13);
  });

  it('lists the misread Wetterau scan as a conflict with the valid one', async () => {
    await expect(opened.page.locator('#conflicts tbody tr').allInnerTexts()).resolves.toEqual(
      expect.arrayContaining([expect.stringMatching(/^Wetteraukreis\t2022\t/)]),
    );
  });

  it('logs no console errors and sends no request off the page', () => {
    expect(opened.consoleErrors).toEqual([]);
    expect(opened.outsideRequests).toEqual([]);
  });

  it('saves a full-page screenshot', () => {
    const png = readFileSync(opened.screenshotPath!);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // IHDR: width and height of the whole page, not only the 1280×900 viewport.
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(1280);
    expect(png.readUInt32BE(20)).toBeGreaterThan(900);
    expect(opened.screenshotPath).toMatch(/\/test-artifacts\/report\.png$/);
  });
});
