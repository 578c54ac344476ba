import type { AgreementRecord, Measure, PartyRole, RecipientKind, RecordStatus } from '../schema/record.js';

/**
 * The report's per-document table, one row per record, as every tabular format (CSV, XLSX, Markdown,
 * HTML) shows it: the same columns in the same order, so that the forms can be compared row by row.
 */

export const STATUS_LABELS: Record<RecordStatus, string> = { valid: 'gültig', needs_review: 'zu prüfen', rejected: 'abgewiesen' };
export const KIND_LABELS: Record<RecipientKind, string> = { landkreis: 'Landkreis', kreisfreie_stadt: 'kreisfreie Stadt' };

export const recipientOf = (record: AgreementRecord) => record.agreement.parties?.find((party) => party.role === 'recipient');

export type Cell = string | number | undefined;

export interface Column {
  key: string;
  header: string;
  /** Characters, for the spreadsheet. */
  width: number;
  /** The cell is a calendar date, ISO 8601 (YYYY-MM-DD): a real date in the spreadsheet. */
  date?: true;
  value: (record: AgreementRecord, keys: readonly string[]) => Cell;
}

/** "1. Ausbildungsvorbereitung: ÜSBZ; EASY" — the measure with its projects. */
export const formatMeasure = (measure: Measure) =>
  `${measure.number}. ${measure.title}${measure.projects.length > 0 ? `: ${measure.projects.join('; ')}` : ''}`;

const signatureOf = (record: AgreementRecord, party: PartyRole) => record.agreement.signatures?.find((signature) => signature.party === party);
const signatory = (record: AgreementRecord, party: PartyRole) => {
  const signature = signatureOf(record, party);
  return signature ? [signature.name, signature.title && `(${signature.title})`].filter(Boolean).join(' ') || undefined : undefined;
};

export const COLUMNS: readonly Column[] = [
  { key: 'fileName', header: 'Datei', width: 40, value: (record) => record.fileName },
  { key: 'status', header: 'Status', width: 12, value: (record) => STATUS_LABELS[record.status] },
  { key: 'recipient', header: 'Empfänger', width: 30, value: (record) => recipientOf(record)?.name },
  { key: 'kind', header: 'Art', width: 16, value: (record) => { const kind = recipientOf(record)?.kind; return kind && KIND_LABELS[kind]; } },
  { key: 'budgetYear', header: 'Haushaltsjahr', width: 13, value: (record) => record.agreement.budgetYear },
  { key: 'amountEuro', header: 'Betrag (EUR)', width: 16, value: (record) => (record.agreement.amount ? record.agreement.amount.cents / 100 : undefined) },
  { key: 'amountText', header: 'Betrag laut Dokument', width: 22, value: (record) => record.agreement.amount?.text },
  { key: 'measures', header: 'Maßnahmen und Projekte', width: 70, value: (record) => record.agreement.measures?.map(formatMeasure).join('\n') || undefined },
  { key: 'projects', header: 'Projekte', width: 9, value: (record) => record.agreement.measures?.reduce((sum, measure) => sum + measure.projects.length, 0) },
  { key: 'funderPlace', header: 'Ort Ministerium', width: 16, value: (record) => signatureOf(record, 'funder')?.place },
  { key: 'funderDate', header: 'Datum Ministerium', width: 16, date: true, value: (record) => signatureOf(record, 'funder')?.date },
  { key: 'funderSignatory', header: 'Unterzeichnet (Ministerium)', width: 30, value: (record) => signatory(record, 'funder') },
  { key: 'recipientPlace', header: 'Ort Empfänger', width: 16, value: (record) => signatureOf(record, 'recipient')?.place },
  { key: 'recipientDate', header: 'Datum Empfänger', width: 16, date: true, value: (record) => signatureOf(record, 'recipient')?.date },
  { key: 'recipientSignatory', header: 'Unterzeichnet (Empfänger)', width: 30, value: (record) => signatory(record, 'recipient') },
  { key: 'issues', header: 'Hinweise', width: 60, value: (record) => record.issues.map((issue) => `${issue.code}: ${issue.message}`).join('\n') || undefined },
  { key: 'documentId', header: 'Dokument-ID', width: 20, value: (record) => record.documentId },
  { key: 'keys', header: 'Hochgeladen als', width: 40, value: (_record, keys) => keys.join('\n') || undefined },
];

export const documentRow = (record: AgreementRecord, keys: readonly string[]): Cell[] => COLUMNS.map((column) => column.value(record, keys));

const euro = new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' });
/** 101891000 → "1.018.910,00 €" */
export const formatEuro = (cents: number) => euro.format(cents / 100);

/** A cell as text: amounts in German notation, the rest as it is. */
export function cellText(column: Column, cell: Cell): string {
  if (cell === undefined) return '';
  if (column.key === 'amountEuro' && typeof cell === 'number') return formatEuro(Math.round(cell * 100));
  return String(cell);
}

/** An estimate in US dollars, as German readers write it: "0,02 US-$" (to the tenth of a cent below a cent). */
export function formatUsd(amount: number): string {
  const digits = amount > 0 && amount < 0.01 ? 3 : 2;
  return `${amount.toLocaleString('de-DE', { minimumFractionDigits: digits, maximumFractionDigits: digits })} US-$`;
}

/** Pages read by OCR (Textract) and their estimated cost, in one German sentence. */
export function describeOcrCost(cost: { textractPages: number; pricePer1000PagesUsd: number; estimatedCostUsd: number }): string {
  return `${cost.textractPages} ${cost.textractPages === 1 ? 'Seite' : 'Seiten'} per OCR (Textract) gelesen, geschätzte Kosten ${formatUsd(cost.estimatedCostUsd)} (${formatUsd(cost.pricePer1000PagesUsd)} je 1.000 Seiten)`;
}
