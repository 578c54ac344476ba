import type { Report } from './report.js';
import { describeValue, valuesOfIssue } from './review-values.js';
import { COLUMNS, cellText, describeOcrCost, documentRow, formatEuro, STATUS_LABELS } from './rows.js';

/** `--format md`: the report as Markdown, for a ticket, a wiki page or an e-mail. */

/**
 * Text from documents, uploads and the caller, made inert: `&`, `<` and `>` as entities (renderers pass
 * HTML through), and the characters that make Markdown inline markup — emphasis, code spans, links and
 * images, table pipes, strike-through, and a heading's `#` where a line could start — escaped with a
 * backslash, so that a project named `<img src=x onerror=…>` or `[klick](javascript:…)` stays text.
 * `lineBreak` is what a line break becomes.
 */
const inline = (text: string, lineBreak = ' ') =>
  text
    .replace(/[\\`*_[\]|~]|^#/g, (character) => `\\${character}`)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replace(/\r?\n|\r/g, lineBreak);
/** A code or a batch name as code, where nothing is markup; one with a backquote in it as escaped text. */
const code = (text: string) => (text.includes('`') || /[\r\n]/.test(text) ? inline(text) : `\`${text}\``);
/** In a table cell a line break is `<br>`, the only way to keep it inside the cell. */
const escapeCell = (text: string) => inline(text, '<br>');
const table = (header: readonly string[], rows: readonly (readonly string[])[]) =>
  [`| ${header.map(escapeCell).join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`)].join('\n');

export function renderMarkdown(report: Report): string {
  const { totals } = report;
  const collator = new Intl.Collator('de');
  const shown = COLUMNS.filter((column) => column.key !== 'documentId' && column.key !== 'keys');
  const sections = [
    `# Extraktionsbericht: ${inline(report.scope)}`,
    `Erstellt ${report.generatedAt}${report.batch ? ` · Batch ${code(report.batch)}` : ''}`,
    `${totals.documents} Dokumente: ${totals.byStatus.valid} gültig, ${totals.byStatus.needs_review} zu prüfen, ${totals.byStatus.rejected} abgewiesen. Summe der gültigen Beträge: ${formatEuro(totals.amountCents)}. ${inline(describeOcrCost(totals.ocr))}.`,
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
      : report.review
          .map((item) =>
            [
              `- **${inline(item.fileName)}** (${STATUS_LABELS[item.status]})`,
              ...item.issues.flatMap((issue) => [
                `  - ${code(issue.code)} ${inline(issue.message)}`,
                ...valuesOfIssue(item.values, issue).map((value) => `    - ${code(value.path)}: ${inline(describeValue(value))}`),
              ]),
            ].join('\n'),
          )
          .join('\n'),
    '## Widersprüche',
    report.conflicts.length === 0
      ? 'Keine.'
      : report.conflicts
          .map(
            (conflict) =>
              `- ${inline(conflict.recipient)} ${conflict.budgetYear}: ${conflict.documents.map((document) => `${inline(document.fileName)} ${formatEuro(document.amountCents)}`).join(' · ')}`,
          )
          .join('\n'),
    '## Duplikate',
    report.duplicates.length === 0
      ? 'Keine.'
      : report.duplicates
          .map((duplicate) => `- ${duplicate.kind}: ${duplicate.documents.map((document) => `${inline(document.fileName)} (${document.keys.map((key) => inline(key)).join(', ')})`).join(' · ')}`)
          .join('\n'),
  ];
  return `${sections.join('\n\n')}\n`;
}
