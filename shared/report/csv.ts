import type { Writable } from 'node:stream';
import type { ReportContent } from './model.js';
import { TextOutput } from './output.js';
import { type Cell, COLUMNS, documentRow } from './rows.js';

/**
 * `report.csv`: one row per document, quoted where needed (RFC 4180 rules), CRLF line ends, with a
 * byte-order mark so that spreadsheet programs read it as UTF-8. Two dialects:
 *  - `excel-de` (the default): what German Excel reads from a double-clicked file, one value per column:
 *    semicolons between cells and amounts with a decimal comma (`3792534,11`);
 *  - `rfc4180`: commas and a decimal point (`3792534.11`), for programs.
 * A cell that a spreadsheet would take for a formula is prefixed with an apostrophe (text from a document
 * must never run as a formula).
 */
export const CSV_DIALECTS = ['excel-de', 'rfc4180'] as const;
export type CsvDialect = (typeof CSV_DIALECTS)[number];

const DIALECTS: Record<CsvDialect, { separator: string; decimal: string }> = {
  'excel-de': { separator: ';', decimal: ',' },
  rfc4180: { separator: ',', decimal: '.' },
};

const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(cell: Cell, { separator, decimal }: (typeof DIALECTS)[CsvDialect]): string {
  if (cell === undefined) return '';
  if (typeof cell === 'number') return String(cell).replace('.', decimal);
  const text = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return text.includes(separator) || /["\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export async function writeCsv({ summary, documents }: ReportContent, stream: Writable, dialect: CsvDialect = 'excel-de'): Promise<void> {
  const format = DIALECTS[dialect];
  const line = (cells: readonly Cell[]) => `${cells.map((cell) => csvCell(cell, format)).join(format.separator)}\r\n`;
  const output = new TextOutput(stream);
  await output.write(`\uFEFF${line(COLUMNS.map((column) => column.header))}`);
  for await (const record of documents()) await output.write(line(documentRow(record, summary.keys[record.documentId] ?? [])));
  await output.end();
}
