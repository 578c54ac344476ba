import type { AgreementRecord } from '../shared/schema/record.js';

const euro = new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' });

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

/** One row per record, for people reading a terminal: who, which year, how much, and what needs a look. */
export function formatTable(records: readonly AgreementRecord[]): string {
  const header = ['File', 'Status', 'Recipient', 'Year', 'Amount', 'Measures', 'Signed', 'Issues'];
  const rows = records.map((record) => {
    const { agreement } = record;
    const recipient = agreement.parties?.find((party) => party.role === 'recipient')?.name ?? '';
    const signed = (agreement.signatures ?? []).map((signature) => signature.date).join(', ');
    return [
      truncate(record.fileName, 48),
      record.status,
      recipient,
      agreement.budgetYear?.toString() ?? '',
      agreement.amount ? euro.format(agreement.amount.cents / 100) : '',
      agreement.measures?.length ? String(agreement.measures.length) : '',
      signed,
      truncate(record.issues.map((issue) => issue.code).join(', '), 60),
    ];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

export function formatSummary(records: readonly AgreementRecord[]): string {
  const count = (status: AgreementRecord['status']) => records.filter((record) => record.status === status).length;
  return `${records.length} documents: ${count('valid')} valid, ${count('needs_review')} need review, ${count('rejected')} rejected`;
}
