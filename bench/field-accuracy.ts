import type { AgreementRecord } from '../shared/schema/record.js';

/**
 * Field accuracy at the level of single values, the way extraction is judged: the status, title,
 * program, year, each party's name, short name and kind, the amount's cents and text, each measure's
 * number and title and each of its projects, each signature's place, date, name and office. A value
 * counts as right only when it equals the expected one exactly.
 */
export function fieldsOf(record: AgreementRecord): Map<string, string> {
  const { agreement } = record;
  const fields = new Map<string, string>();
  const put = (name: string, value: unknown) => fields.set(name, JSON.stringify(value ?? null));
  put('status', record.status);
  put('title', agreement.title);
  put('program', agreement.program);
  put('budgetYear', agreement.budgetYear);
  for (const party of agreement.parties ?? []) {
    put(`${party.role}.name`, party.name);
    if (party.shortName) put(`${party.role}.shortName`, party.shortName);
    if (party.kind) put(`${party.role}.kind`, party.kind);
  }
  put('amount.cents', agreement.amount?.cents);
  put('amount.text', agreement.amount?.text);
  for (const measure of agreement.measures ?? []) {
    put(`measure ${measure.number}.title`, measure.title);
    measure.projects.forEach((project, index) => put(`measure ${measure.number}.project ${index + 1}`, project));
  }
  for (const signature of agreement.signatures ?? []) {
    for (const key of ['place', 'date', 'name', 'title'] as const) put(`signature ${signature.party}.${key}`, signature[key]);
  }
  return fields;
}

export interface Accuracy {
  right: number;
  total: number;
  wrong: string[];
  /** The records marked `valid` with any field wrong, the status included: "file: field, field". */
  validButWrong: string[];
}

export function accuracy(pairs: readonly { actual: AgreementRecord; expected: AgreementRecord }[]): Accuracy {
  const result: Accuracy = { right: 0, total: 0, wrong: [], validButWrong: [] };
  for (const { actual, expected } of pairs) {
    const got = fieldsOf(actual);
    const wrong: string[] = [];
    for (const [name, value] of fieldsOf(expected)) {
      result.total++;
      if (got.get(name) === value) {
        result.right++;
        continue;
      }
      wrong.push(name);
      result.wrong.push(`${expected.fileName} ${name}: expected ${value}, got ${got.get(name) ?? 'nothing'}`);
    }
    if (actual.status === 'valid' && wrong.length > 0) result.validButWrong.push(`${expected.fileName}: ${wrong.join(', ')}`);
  }
  return result;
}

/** Every field whose value differs between what was read and what was expected, either way: a value missing, wrong, or read where none is. */
export function wrongFields(got: ReadonlyMap<string, string>, want: ReadonlyMap<string, string>): string[] {
  const fields = [...new Set([...want.keys(), ...got.keys()])];
  return fields.filter((field) => got.get(field) !== want.get(field)).map((field) => `${field}: expected ${want.get(field) ?? 'nothing'}, got ${got.get(field) ?? 'nothing'}`);
}
