import ExcelJS from 'exceljs';
import type { Report } from './report.js';
import { describeValue, valuesOfIssue } from './review-values.js';
import { COLUMNS, documentRow, recipientOf, STATUS_LABELS } from './rows.js';

/**
 * `report.xlsx`: the documents (the same columns as the CSV, amounts as numbers in a euro format, signature
 * dates as dates in German notation, so that they sort and filter as dates), the
 * measures with one row per project, the totals, the review list, conflicts and duplicates, each on a
 * sheet of its own with a frozen, filterable header row.
 */

const EURO_FORMAT = '#,##0.00 "€"';
const DATE_FORMAT = 'DD.MM.YYYY';

/** An ISO calendar date as the spreadsheet's date: midnight UTC, which exceljs stores as a whole day number. */
const calendarDate = (iso: string) => new Date(`${iso}T00:00:00Z`);

function sheet(workbook: ExcelJS.Workbook, name: string, columns: { header: string; key: string; width: number; euro?: boolean; date?: boolean }[]) {
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

export async function renderXlsx(report: Report): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'zielvereinbarungen';
  workbook.created = new Date(report.generatedAt);

  const documents = sheet(
    workbook,
    'Dokumente',
    COLUMNS.map((column) => ({ header: column.header, key: column.key, width: column.width, euro: column.key === 'amountEuro', date: column.date })),
  );
  for (const record of report.documents) {
    const cells = documentRow(record, report.keys[record.documentId] ?? []);
    const row = documents.addRow(cells.map((cell, index) => (COLUMNS[index]?.date && typeof cell === 'string' ? calendarDate(cell) : cell)));
    row.alignment = { vertical: 'top', wrapText: true };
  }

  const measures = sheet(workbook, 'Maßnahmen', [
    { header: 'Datei', key: 'fileName', width: 40 },
    { header: 'Empfänger', key: 'recipient', width: 30 },
    { header: 'Haushaltsjahr', key: 'budgetYear', width: 13 },
    { header: 'Nr.', key: 'number', width: 5 },
    { header: 'Maßnahme', key: 'title', width: 60 },
    { header: 'Projekt', key: 'project', width: 50 },
  ]);
  for (const record of report.documents) {
    for (const measure of record.agreement.measures ?? []) {
      const base = { fileName: record.fileName, recipient: recipientOf(record)?.name, budgetYear: record.agreement.budgetYear, number: measure.number, title: measure.title };
      if (measure.projects.length === 0) measures.addRow(base);
      for (const project of measure.projects) measures.addRow({ ...base, project });
    }
  }

  const totals = sheet(workbook, 'Summen', [
    { header: 'Gruppe', key: 'group', width: 16 },
    { header: 'Wert', key: 'value', width: 34 },
    { header: 'Dokumente', key: 'documents', width: 11 },
    { header: 'Summe (gültig)', key: 'amount', width: 18, euro: true },
  ]);
  totals.addRow({ group: 'gesamt', value: 'alle Dokumente', documents: report.totals.documents, amount: report.totals.amountCents / 100 });
  for (const [status, count] of Object.entries(report.totals.byStatus)) totals.addRow({ group: 'Status', value: STATUS_LABELS[status as keyof typeof STATUS_LABELS], documents: count });
  for (const [year, total] of Object.entries(report.totals.byYear)) totals.addRow({ group: 'Haushaltsjahr', value: Number(year), documents: total.documents, amount: total.amountCents / 100 });
  for (const [recipient, total] of Object.entries(report.totals.byRecipient)) totals.addRow({ group: 'Empfänger', value: recipient, documents: total.documents, amount: total.amountCents / 100 });

  const review = sheet(workbook, 'Zu prüfen', [
    { header: 'Datei', key: 'fileName', width: 40 },
    { header: 'Status', key: 'status', width: 12 },
    { header: 'Feld', key: 'path', width: 24 },
    { header: 'Code', key: 'code', width: 26 },
    { header: 'Grund', key: 'message', width: 80 },
    { header: 'Wert', key: 'valuePath', width: 32 },
    { header: 'Gelesen auf', key: 'where', width: 60 },
  ]);
  for (const item of report.review) {
    for (const issue of item.issues) {
      const values = valuesOfIssue(item.values, issue);
      if (values.length === 0) review.addRow({ fileName: item.fileName, status: STATUS_LABELS[item.status], ...issue });
      for (const value of values) review.addRow({ fileName: item.fileName, status: STATUS_LABELS[item.status], ...issue, valuePath: value.path, where: describeValue(value) });
    }
  }

  const conflicts = sheet(workbook, 'Widersprüche', [
    { header: 'Empfänger', key: 'recipient', width: 30 },
    { header: 'Haushaltsjahr', key: 'budgetYear', width: 13 },
    { header: 'Datei', key: 'fileName', width: 40 },
    { header: 'Betrag', key: 'amount', width: 18, euro: true },
  ]);
  for (const conflict of report.conflicts) {
    for (const document of conflict.documents) conflicts.addRow({ recipient: conflict.recipient, budgetYear: conflict.budgetYear, fileName: document.fileName, amount: document.amountCents / 100 });
  }

  const duplicates = sheet(workbook, 'Duplikate', [
    { header: 'Art', key: 'kind', width: 16 },
    { header: 'Datei', key: 'fileName', width: 40 },
    { header: 'Hochgeladen als', key: 'keys', width: 80 },
  ]);
  for (const duplicate of report.duplicates) {
    for (const document of duplicate.documents) duplicates.addRow({ kind: duplicate.kind, fileName: document.fileName, keys: document.keys.join('\n') });
  }

  return Buffer.from(await workbook.xlsx.writeBuffer());
}
