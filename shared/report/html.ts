import type { Writable } from 'node:stream';
import type { AgreementRecord, PartyRole } from '../schema/record.js';
import { barChartSvg, chartBars } from './chart.js';
import type { AmountTotal, RecipientGroup, ReportContent, ReportSummary, ReviewItem } from './model.js';
import { TextOutput } from './output.js';
import { describeValue, valuesOfIssue } from './review-values.js';
import { type Cell, COLUMNS, cellText, documentRow, formatEuro, formatUsd, KIND_LABELS, STATUS_LABELS } from './rows.js';

/**
 * `report.html`: one self-contained page (no scripts, no external fonts, styles or images; a Content
 * Security Policy says so to the browser) that prints legibly: the totals, a chart of the amounts per
 * recipient (the largest, and the others in one bar), every document with what was read from it, grouped
 * by recipient, the documents that need review with the reason and the text they were read from,
 * conflicts and duplicates. A large report shows its groups closed, so that a browser opens ten thousand
 * documents at once; a click opens one.
 */

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
const dateTime = new Intl.DateTimeFormat('de-DE', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Berlin' });
/** Text longer than this is cut in the review section; the whole text stays in the bucket. */
const MAX_REVIEW_TEXT = 20_000;
/** Up to this many documents, every recipient's group is shown open, and prints. */
export const OPEN_GROUPS_UP_TO = 300;

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 2rem; color: #111; line-height: 1.4; }
h1 { font-size: 1.5rem; margin-bottom: 0.2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #999; }
.meta { color: #444; margin-top: 0; }
table { border-collapse: collapse; margin: 0.5rem 0; font-size: 0.85rem; }
th, td { border: 1px solid #999; padding: 0.25rem 0.4rem; vertical-align: top; text-align: left; }
th { background: #e8e8e8; } td.number, th.number { text-align: right; white-space: nowrap; }
tr.needs_review td.status { background: #fff3c4; font-weight: bold; } tr.rejected td.status { background: #f6d0d0; font-weight: bold; }
ol.measures { margin: 0; padding-left: 1.2rem; } ol.measures ul { margin: 0; padding-left: 1rem; }
ul.issues { margin: 0; padding-left: 1rem; } ul.values { margin: 0.2rem 0; padding-left: 1rem; color: #333; }
#documents { font-size: 0.8rem; } #documents code { overflow-wrap: anywhere; } #documents time { white-space: nowrap; }
#documents td.fileName { min-width: 12em; overflow-wrap: anywhere; } #documents td.measures { min-width: 20em; } #documents td.issues { min-width: 16em; }
#documents summary { cursor: pointer; font-weight: bold; margin: 0.6rem 0 0.2rem; } #documents summary .counts { font-weight: normal; color: #444; }
#conflicts ul, #duplicates ul { margin: 0; padding-left: 1rem; }
pre.source { white-space: pre-wrap; background: #f6f6f6; border: 1px solid #ccc; padding: 0.5rem; font-size: 0.8rem; max-height: 30rem; overflow: auto; }
.review-item { border-left: 4px solid #c90; padding-left: 0.8rem; margin-bottom: 1.2rem; }
.review-item.rejected { border-left-color: #b00; }
figure { margin: 0.5rem 0; } svg { max-width: 100%; height: auto; }
@page { size: A4 landscape; margin: 1cm; }
@media print { body { margin: 0; font-size: 10pt; } #documents { font-size: 7pt; } h2 { break-after: avoid; } tr, .review-item, figure { break-inside: avoid; } pre.source { max-height: none; } }
`;

function amountTable(caption: string, heading: string, totals: Record<string, AmountTotal>, order: (a: string, b: string) => number, id: string): string {
  const rows = Object.entries(totals)
    .sort(([a], [b]) => order(a, b))
    .map(([key, total]) => `<tr><td>${escapeHtml(key)}</td><td class="number">${total.documents}</td><td class="number">${formatEuro(total.amountCents)}</td></tr>`);
  if (rows.length === 0) return `<p>Keine Angaben.</p>`;
  return `<table id="${id}"><caption>${escapeHtml(caption)}</caption><thead><tr><th>${escapeHtml(heading)}</th><th class="number">Dokumente</th><th class="number">Summe (gültig)</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** Place, date and signatory of one party, in one cell: six columns of their own made the table too wide for a screen or a page. */
function signatureCell(cells: readonly Cell[], party: PartyRole): string {
  const cell = (key: string) => escapeHtml(String(cells[COLUMNS.findIndex((column) => column.key === `${party}${key}`)] ?? ''));
  const [place, date, signatory] = [cell('Place'), cell('Date'), cell('Signatory')];
  const signed = place && date ? `${place}, <time datetime="${date}">${date}</time>` : '';
  return `<td class="signature-${party}">${signed}${signed && signatory ? '<br>' : ''}${signatory}</td>`;
}

/** Shown otherwise (measures, issues, signatures: cells of their own below), or left to the CSV and XLSX (the project count, IDs, keys). */
const NOT_IN_DOCUMENTS_TABLE = ['measures', 'projects', 'issues', 'keys', 'documentId', 'funderPlace', 'funderDate', 'funderSignatory', 'recipientPlace', 'recipientDate', 'recipientSignatory'];

const SHOWN_COLUMNS = COLUMNS.filter((column) => !NOT_IN_DOCUMENTS_TABLE.includes(column.key));
const DOCUMENTS_HEADER = [
  ...SHOWN_COLUMNS.map((column) => `<th${column.key === 'amountEuro' ? ' class="number"' : ''}>${escapeHtml(column.header)}</th>`),
  '<th>Unterschrift Ministerium</th>',
  '<th>Unterschrift Empfänger</th>',
  '<th>Maßnahmen und Projekte</th>',
  '<th>Hinweise</th>',
].join('');

function documentRowHtml(record: AgreementRecord, keys: readonly string[]): string {
  const cells = documentRow(record, keys);
  const shownCells = SHOWN_COLUMNS.map((column) => {
    const text = escapeHtml(cellText(column, cells[COLUMNS.indexOf(column)]));
    return `<td class="${column.key}${column.key === 'amountEuro' ? ' number' : ''}">${text}</td>`;
  });
  shownCells.push(signatureCell(cells, 'funder'), signatureCell(cells, 'recipient'));
  const measures = record.agreement.measures?.length
    ? `<ol class="measures">${record.agreement.measures
        .map((measure) => `<li value="${measure.number}">${escapeHtml(measure.title)}${measure.projects.length ? `<ul>${measure.projects.map((project) => `<li>${escapeHtml(project)}</li>`).join('')}</ul>` : ''}</li>`)
        .join('')}</ol>`
    : '';
  const issues = record.issues.length ? `<ul class="issues">${record.issues.map((issue) => `<li><code>${escapeHtml(issue.code)}</code> ${escapeHtml(issue.message)}</li>`).join('')}</ul>` : '';
  return `<tr class="${record.status}" data-document-id="${escapeHtml(record.documentId)}">${shownCells.join('')}<td class="measures">${measures}</td><td class="issues">${issues}</td></tr>`;
}

/** A recipient's group: open for a small report, closed (one click opens it) for a large one. */
function groupStart(group: RecipientGroup, open: boolean): string {
  const name = group.recipient ? `${group.recipient.name}${group.recipient.kind ? ` (${KIND_LABELS[group.recipient.kind]})` : ''}` : 'Ohne erkannten Empfänger';
  const counts = (['valid', 'needs_review', 'rejected'] as const).filter((status) => group.byStatus[status] > 0).map((status) => `${group.byStatus[status]} ${STATUS_LABELS[status]}`);
  return `<details class="recipient"${open ? ' open' : ''}><summary>${escapeHtml(name)} <span class="counts">· ${group.documents} ${group.documents === 1 ? 'Dokument' : 'Dokumente'}: ${counts.join(', ')}</span></summary><table><thead><tr>${DOCUMENTS_HEADER}</tr></thead><tbody>`;
}
const GROUP_END = '</tbody></table></details>';

/** The documents, read in the report's order, in one table per recipient. */
async function writeDocuments(output: TextOutput, summary: ReportSummary, documents: AsyncIterable<AgreementRecord>): Promise<void> {
  const open = summary.totals.documents <= OPEN_GROUPS_UP_TO;
  if (!open) await output.write(`<p>${summary.totals.documents} Dokumente in ${summary.groups.length} Gruppen je Empfänger; ein Klick auf eine Gruppe öffnet sie.</p>\n`);
  await output.write('<div id="documents">');
  let group = -1;
  let left = 0;
  for await (const record of documents) {
    if (left === 0) {
      if (group >= 0) await output.write(GROUP_END);
      group++;
      left = summary.groups[group]!.documents;
      await output.write(groupStart(summary.groups[group]!, open));
    }
    await output.write(documentRowHtml(record, summary.keys[record.documentId] ?? []));
    left--;
  }
  await output.write(`${group >= 0 ? GROUP_END : '<p>Keine Dokumente.</p>'}</div>\n`);
}

function reviewItemHtml(item: ReviewItem): string {
  const text = item.text ?? '';
  const pages = text
    .slice(0, MAX_REVIEW_TEXT)
    .split('\f')
    .map((page, index) => `--- Seite ${index + 1} ---\n${page.trim()}`)
    .join('\n\n');
  const source = text
    ? `<details><summary>Gelesener Text (${text.split('\f').length} Seiten${text.length > MAX_REVIEW_TEXT ? ', gekürzt' : ''})</summary><pre class="source">${escapeHtml(pages)}</pre></details>`
    : '<p><em>Kein Text gelesen.</em></p>';
  const values = (issue: (typeof item.issues)[number]) => {
    const shown = valuesOfIssue(item.values, issue);
    return shown.length ? `<ul class="values">${shown.map((value) => `<li><code>${escapeHtml(value.path)}</code>: ${escapeHtml(describeValue(value))}</li>`).join('')}</ul>` : '';
  };
  return `<div class="review-item ${item.status}" data-document-id="${escapeHtml(item.documentId)}"><h3>${escapeHtml(item.fileName)} — ${STATUS_LABELS[item.status]}</h3><ul class="issues">${item.issues
    .map((issue) => `<li><code>${escapeHtml(issue.path)}</code> · <code>${escapeHtml(issue.code)}</code>: ${escapeHtml(issue.message)}${values(issue)}</li>`)
    .join('')}</ul>${source}</div>`;
}

function conflictsSection(report: ReportSummary): string {
  if (report.conflicts.length === 0) return '<p>Keine widersprüchlichen Vereinbarungen.</p>';
  return `<table id="conflicts"><thead><tr><th>Empfänger</th><th>Jahr</th><th>Dokumente und Beträge</th></tr></thead><tbody>${report.conflicts
    .map(
      (conflict) =>
        `<tr><td>${escapeHtml(conflict.recipient)}</td><td>${conflict.budgetYear}</td><td><ul>${conflict.documents
          .map((document) => `<li>${escapeHtml(document.fileName)}: ${formatEuro(document.amountCents)} (${STATUS_LABELS[document.status]})</li>`)
          .join('')}</ul></td></tr>`,
    )
    .join('')}</tbody></table>`;
}

function duplicatesSection(report: ReportSummary): string {
  if (report.duplicates.length === 0) return '<p>Keine Duplikate.</p>';
  const describe = { 'same-file': 'dieselbe Datei mehrfach hochgeladen', 'same-agreement': 'verschiedene Dateien mit derselben Vereinbarung' };
  return `<table id="duplicates"><thead><tr><th>Art</th><th>Dokumente</th></tr></thead><tbody>${report.duplicates
    .map(
      (duplicate) =>
        `<tr><td>${describe[duplicate.kind]}</td><td><ul>${duplicate.documents
          .map((document) => `<li>${escapeHtml(document.fileName)}: ${document.keys.map(escapeHtml).join(', ')}</li>`)
          .join('')}</ul></td></tr>`,
    )
    .join('')}</tbody></table>`;
}

export async function writeHtml({ summary, documents, review }: ReportContent, stream: Writable): Promise<void> {
  const output = new TextOutput(stream);
  const collator = new Intl.Collator('de');
  const { totals } = summary;
  const bars = chartBars(
    Object.entries(totals.byRecipient)
      .filter(([, total]) => total.amountCents > 0)
      .sort(([a, x], [b, y]) => y.amountCents - x.amountCents || collator.compare(a, b))
      .map(([label, total]) => ({ label, cents: total.amountCents })),
  );
  const kinds = new Map(summary.groups.flatMap((group) => (group.recipient?.kind ? [[group.recipient.name, KIND_LABELS[group.recipient.kind]] as const] : [])));
  const title = `Extraktionsbericht: ${summary.scope}`;
  await output.write(`<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="meta">Erstellt am ${escapeHtml(dateTime.format(new Date(summary.generatedAt)))}${summary.batch ? ` · Batch <code>${escapeHtml(summary.batch)}</code>` : ''}</p>
<h2>Übersicht</h2>
<table id="summary"><tbody>
<tr><th>Dokumente</th><td class="number">${totals.documents}</td></tr>
<tr><th>gültig</th><td class="number">${totals.byStatus.valid}</td></tr>
<tr><th>zu prüfen</th><td class="number">${totals.byStatus.needs_review}</td></tr>
<tr><th>abgewiesen</th><td class="number">${totals.byStatus.rejected}</td></tr>
<tr><th>Summe der gültigen Beträge</th><td class="number">${formatEuro(totals.amountCents)}</td></tr>
<tr><th>Widersprüche / Duplikate</th><td class="number">${summary.conflicts.length} / ${summary.duplicates.length}</td></tr>
<tr><th>Seiten per OCR (Textract) gelesen</th><td class="number" id="ocr-pages">${totals.ocr.textractPages}</td></tr>
<tr><th>geschätzte Textract-Kosten (${escapeHtml(formatUsd(totals.ocr.pricePer1000PagesUsd))} je 1.000 Seiten)</th><td class="number" id="ocr-cost">${escapeHtml(formatUsd(totals.ocr.estimatedCostUsd))}</td></tr>
</tbody></table>
<h2>Beträge je Empfänger</h2>
<figure id="chart">${barChartSvg(bars, 'Summe der gültigen Beträge je Empfänger')}</figure>
<h2>Summen</h2>
${amountTable('Je Haushaltsjahr', 'Haushaltsjahr', totals.byYear, (a, b) => Number(a) - Number(b), 'by-year')}
${amountTable('Je Empfänger', 'Empfänger', Object.fromEntries(Object.entries(totals.byRecipient).map(([name, total]) => [kinds.has(name) ? `${name} (${kinds.get(name)})` : name, total])), collator.compare, 'by-recipient')}
<h2>Dokumente</h2>
`);
  await writeDocuments(output, summary, documents());
  await output.write('<h2>Zu prüfen</h2>\n');
  if (summary.review.length === 0) await output.write('<p>Kein Dokument muss geprüft werden.</p>');
  let first = true;
  for await (const item of review()) {
    await output.write(`${first ? '' : '\n'}${reviewItemHtml(item)}`);
    first = false;
  }
  await output.write(`
<h2>Widersprüche</h2>
<p>Vereinbarungen für denselben Empfänger und dasselbe Haushaltsjahr mit verschiedenen Beträgen.</p>
${conflictsSection(summary)}
<h2>Duplikate</h2>
${duplicatesSection(summary)}
</body>
</html>
`);
  await output.end();
}
