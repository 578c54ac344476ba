import type { Report } from './report.js';
import { COLUMNS, cellText, documentRow, formatEuro, STATUS_LABELS } from './rows.js';

/** `--format md`: the report as Markdown, for a ticket, a wiki page or an e-mail. */

/** Pipes would end the cell, and `<`/`>` would be read as HTML by most renderers; line breaks become `<br>`. */
const escapeCell = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('|', '\\|').replace(/\r?\n/g, '<br>');
const table = (header: readonly string[], rows: readonly (readonly string[])[]) =>
  [`| ${header.map(escapeCell).join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`)].join('\n');

export function renderMarkdown(report: Report): string {
  const { totals } = report;
  const collator = new Intl.Collator('de');
  const shown = COLUMNS.filter((column) => column.key !== 'documentId' && column.key !== 'keys');
  const sections = [
    `# Extraktionsbericht: ${report.scope}`,
    `Erstellt ${report.generatedAt}${report.batch ? ` · Batch \`${report.batch}\`` : ''}`,
    `${totals.documents} Dokumente: ${totals.byStatus.valid} gültig, ${totals.byStatus.needs_review} zu prüfen, ${totals.byStatus.rejected} abgewiesen. Summe der gültigen Beträge: ${formatEuro(totals.amountCents)}.`,
    '## Je Haushaltsjahr',
    table(
      ['Haushaltsjahr', 'Dokumente', 'Summe (gültig)'],
      Object.entries(totals.byYear)
        .sort(([a], [b]) => Number(a) - Number(b))
        .map(([year, total]) => [year, String(total.documents), formatEuro(total.amountCents)]),
    ),
    '## Je Empfänger',
    table(
      ['Empfänger', 'Dokumente', 'Summe (gültig)'],
      Object.entries(totals.byRecipient)
        .sort(([a], [b]) => collator.compare(a, b))
        .map(([recipient, total]) => [recipient, String(total.documents), formatEuro(total.amountCents)]),
    ),
    '## Dokumente',
    table(
      shown.map((column) => column.header),
      report.documents.map((record) => {
        const cells = documentRow(record, report.keys[record.documentId] ?? []);
        return shown.map((column) => cellText(column, cells[COLUMNS.indexOf(column)]));
      }),
    ),
    '## Zu prüfen',
    report.review.length === 0
      ? 'Kein Dokument muss geprüft werden.'
      : report.review.map((item) => [`- **${item.fileName}** (${STATUS_LABELS[item.status]})`, ...item.issues.map((issue) => `  - \`${issue.code}\` ${issue.message}`)].join('\n')).join('\n'),
    '## Widersprüche',
    report.conflicts.length === 0
      ? 'Keine.'
      : report.conflicts
          .map((conflict) => `- ${conflict.recipient} ${conflict.budgetYear}: ${conflict.documents.map((document) => `${document.fileName} ${formatEuro(document.amountCents)}`).join(' · ')}`)
          .join('\n'),
    '## Duplikate',
    report.duplicates.length === 0
      ? 'Keine.'
      : report.duplicates.map((duplicate) => `- ${duplicate.kind}: ${duplicate.documents.map((document) => `${document.fileName} (${document.keys.join(', ')})`).join(' · ')}`).join('\n'),
  ];
  return `${sections.join('\n\n')}\n`;
}
