import type { Report } from './report.js';
import { type Cell, COLUMNS, documentRow } from './rows.js';

/**
 * `report.csv`: one row per document (RFC 4180: comma-separated, quoted where needed, CRLF line ends),
 * with a byte-order mark so that spreadsheet programs read it as UTF-8. Amounts are plain numbers in
 * euros with a decimal point. A cell that a spreadsheet would take for a formula is prefixed with an
 * apostrophe (text from a document must never run as a formula).
 */
const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(cell: Cell): string {
  if (cell === undefined) return '';
  if (typeof cell === 'number') return String(cell);
  const text = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function renderCsv(report: Report): string {
  const lines = [
    COLUMNS.map((column) => csvCell(column.header)),
    ...report.documents.map((record) => documentRow(record, report.keys[record.documentId] ?? []).map(csvCell)),
  ];
  return `\uFEFF${lines.map((cells) => cells.join(',')).join('\r\n')}\r\n`;
}
