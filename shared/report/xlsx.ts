import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { ReportContent } from './model.js';
import { describeValue, valuesOfIssue } from './review-values.js';
import { COLUMNS, documentRow, recipientOf, STATUS_LABELS } from './rows.js';

/**
 * `report.xlsx`: the documents (the same columns as the CSV, amounts as numbers in a euro format, signature
 * dates as dates in German notation, so that they sort and filter as dates), the measures with one row
 * per project, the totals, the review list, conflicts and duplicates, each on a sheet of its own with a
 * frozen, filterable header row. Written as a stream, one sheet after the other
 * and every row as soon as it is made, so that ten thousand documents take no more memory than ten.
 */

const EURO_FORMAT = '#,##0.00 "€"';
const DATE_FORMAT = 'DD.MM.YYYY';

/** An ISO calendar date as the spreadsheet's date: midnight UTC, which exceljs stores as a whole day number. */
const calendarDate = (iso: string) => new Date(`${iso}T00:00:00Z`);

type SheetColumn = { header: string; key: string; width: number; euro?: boolean; date?: boolean };

function sheet(workbook: ExcelJS.stream.xlsx.WorkbookWriter, name: string, columns: SheetColumn[]) {
  const worksheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  worksheet.columns = columns.map(({ header, key, width, euro, date }) => ({
    header,
    key,
    width,
    ...(euro ? { style: { numFmt: EURO_FORMAT } } : date ? { style: { numFmt: DATE_FORMAT } } : {}),
  }));
  worksheet.getRow(1).font = { bold: true };
  worksheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  return worksheet;
}

export async function writeXlsx({ summary, documents }: ReportContent, stream: Writable): Promise<void> {
  // Inline strings: a shared-strings table would hold every distinct text until the end.
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useSharedStrings: false, useStyles: true });
  workbook.creator = 'zielvereinbarungen';
  workbook.created = new Date(summary.generatedAt);

  const documentsSheet = sheet(
    workbook,
    'Dokumente',
    COLUMNS.map((column) => ({ header: column.header, key: column.key, width: column.width, euro: column.key === 'amountEuro', date: column.date })),
  );
  for await (const record of documents()) {
    const cells = documentRow(record, summary.keys[record.documentId] ?? []);
    const row = documentsSheet.addRow(cells.map((cell, index) => (COLUMNS[index]?.date && typeof cell === 'string' ? calendarDate(cell) : cell)));
    row.alignment = { vertical: 'top', wrapText: true };
    row.commit();
  }
  documentsSheet.commit();

  const measures = sheet(workbook, 'Maßnahmen', [
    { header: 'Datei', key: 'fileName', width: 40 },
    { header: 'Empfänger', key: 'recipient', width: 30 },
    { header: 'Haushaltsjahr', key: 'budgetYear', width: 13 },
    { header: 'Nr.', key: 'number', width: 5 },
    { header: 'Maßnahme', key: 'title', width: 60 },
    { header: 'Projekt', key: 'project', width: 50 },
  ]);
  for await (const record of documents()) {
    for (const measure of record.agreement.measures ?? []) {
      const base = { fileName: record.fileName, recipient: recipientOf(record)?.name, budgetYear: record.agreement.budgetYear, number: measure.number, title: measure.title };
      if (measure.projects.length === 0) measures.addRow(base).commit();
      for (const project of measure.projects) measures.addRow({ ...base, project }).commit();
    }
  }
  measures.commit();

  const totals = sheet(workbook, 'Summen', [
    { header: 'Gruppe', key: 'group', width: 16 },
    { header: 'Wert', key: 'value', width: 34 },
    { header: 'Dokumente', key: 'documents', width: 11 },
    { header: 'Summe (gültig)', key: 'amount', width: 18, euro: true },
  ]);
  totals.addRow({ group: 'gesamt', value: 'alle Dokumente', documents: summary.totals.documents, amount: summary.totals.amountCents / 100 });
  for (const [status, count] of Object.entries(summary.totals.byStatus)) totals.addRow({ group: 'Status', value: STATUS_LABELS[status as keyof typeof STATUS_LABELS], documents: count });
  for (const [year, total] of Object.entries(summary.totals.byYear)) totals.addRow({ group: 'Haushaltsjahr', value: Number(year), documents: total.documents, amount: total.amountCents / 100 });
  for (const [recipient, total] of Object.entries(summary.totals.byRecipient)) totals.addRow({ group: 'Empfänger', value: recipient, documents: total.documents, amount: total.amountCents / 100 });
  totals.commit();

  const review = sheet(workbook, 'Zu prüfen', [
    { header: 'Datei', key: 'fileName', width: 40 },
    { header: 'Status', key: 'status', width: 12 },
    { header: 'Feld', key: 'path', width: 24 },
    { header: 'Code', key: 'code', width: 26 },
    { header: 'Grund', key: 'message', width: 80 },
    { header: 'Wert', key: 'valuePath', width: 32 },
    { header: 'Gelesen auf', key: 'where', width: 60 },
  ]);
  for (const item of summary.review) {
    for (const issue of item.issues) {
      const values = valuesOfIssue(item.values, issue);
      if (values.length === 0) review.addRow({ fileName: item.fileName, status: STATUS_LABELS[item.status], ...issue }).commit();
      for (const value of values) review.addRow({ fileName: item.fileName, status: STATUS_LABELS[item.status], ...issue, valuePath: value.path, where: describeValue(value) }).commit();
    }
  }
  review.commit();

  const conflicts = sheet(workbook, 'Widersprüche', [
    { header: 'Empfänger', key: 'recipient', width: 30 },
    { header: 'Haushaltsjahr', key: 'budgetYear', width: 13 },
    { header: 'Datei', key: 'fileName', width: 40 },
    { header: 'Betrag', key: 'amount', width: 18, euro: true },
  ]);
  for (const conflict of summary.conflicts) {
    for (const document of conflict.documents) conflicts.addRow({ recipient: conflict.recipient, budgetYear: conflict.budgetYear, fileName: document.fileName, amount: document.amountCents / 100 });
  }
  conflicts.commit();

  const duplicates = sheet(workbook, 'Duplikate', [
    { header: 'Art', key: 'kind', width: 16 },
    { header: 'Datei', key: 'fileName', width: 40 },
    { header: 'Hochgeladen als', key: 'keys', width: 80 },
  ]);
  for (const duplicate of summary.duplicates) {
    for (const document of duplicate.documents) duplicates.addRow({ kind: duplicate.kind, fileName: document.fileName, keys: document.keys.join('\n') });
  }
  duplicates.commit();

  await workbook.commit();
}
