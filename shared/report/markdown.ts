import type { Writable } from 'node:stream';
import type { ReportContent } from './model.js';
import { TextOutput } from './output.js';
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
const tableRow = (cells: readonly string[]) => `| ${cells.map(escapeCell).join(' | ')} |`;
const table = (header: readonly string[], rows: readonly (readonly string[])[]) =>
  [tableRow(header), `| ${header.map(() => '---').join(' | ')} |`, ...rows.map(tableRow)].join('\n');

export async function writeMarkdown({ summary, documents }: ReportContent, stream: Writable): Promise<void> {
  const output = new TextOutput(stream);
  const { totals } = summary;
  const collator = new Intl.Collator('de');
  const shown = COLUMNS.filter((column) => column.key !== 'documentId' && column.key !== 'keys');
  const section = (text: string) => output.write(`${text}\n\n`);
  await section(`# Extraktionsbericht: ${inline(summary.scope)}`);
  await section(`Erstellt ${summary.generatedAt}${summary.batch ? ` · Batch ${code(summary.batch)}` : ''}`);
  await section(
    `${totals.documents} Dokumente: ${totals.byStatus.valid} gültig, ${totals.byStatus.needs_review} zu prüfen, ${totals.byStatus.rejected} abgewiesen. Summe der gültigen Beträge: ${formatEuro(totals.amountCents)}. ${inline(describeOcrCost(totals.ocr))}.`,
  );
  await section('## Je Haushaltsjahr');
  await section(
    table(
      ['Haushaltsjahr', 'Dokumente', 'Summe (gültig)'],
      Object.entries(totals.byYear)
        .sort(([a], [b]) => Number(a) - Number(b))
        .map(([year, total]) => [year, String(total.documents), formatEuro(total.amountCents)]),
    ),
  );
  await section('## Je Empfänger');
  await section(
    table(
      ['Empfänger', 'Dokumente', 'Summe (gültig)'],
      Object.entries(totals.byRecipient)
        .sort(([a], [b]) => collator.compare(a, b))
        .map(([recipient, total]) => [recipient, String(total.documents), formatEuro(total.amountCents)]),
    ),
  );
  await section('## Dokumente');
  await output.write(`${table(shown.map((column) => column.header), [])}\n`);
  for await (const record of documents()) {
    const cells = documentRow(record, summary.keys[record.documentId] ?? []);
    await output.write(`${tableRow(shown.map((column) => cellText(column, cells[COLUMNS.indexOf(column)])))}\n`);
  }
  await output.write('\n');
  await section('## Zu prüfen');
  await section(
    summary.review.length === 0
      ? 'Kein Dokument muss geprüft werden.'
      : summary.review
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
  );
  await section('## Widersprüche');
  await section(
    summary.conflicts.length === 0
      ? 'Keine.'
      : summary.conflicts
          .map(
            (conflict) =>
              `- ${inline(conflict.recipient)} ${conflict.budgetYear}: ${conflict.documents.map((document) => `${inline(document.fileName)} ${formatEuro(document.amountCents)}`).join(' · ')}`,
          )
          .join('\n'),
  );
  await section('## Duplikate');
  await output.write(
    `${
      summary.duplicates.length === 0
        ? 'Keine.'
        : summary.duplicates
            .map((duplicate) => `- ${duplicate.kind}: ${duplicate.documents.map((document) => `${inline(document.fileName)} (${document.keys.map((key) => inline(key)).join(', ')})`).join(' · ')}`)
            .join('\n')
    }\n`,
  );
  await output.end();
}
