import type { Agreement } from './record.js';

/**
 * Paths to a value in a record, in the one syntax issues, evidence and `review accept --set` share:
 * `agreement.amount`, `agreement.measures[2].projects[0]`, `agreement.signatures[1].date`.
 * ["agreement", "measures", 2, "title"] → "agreement.measures[2].title".
 */
export function pathOf(segments: readonly PropertyKey[]): string {
  return segments.map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : index === 0 ? String(segment) : `.${String(segment)}`)).join('');
}

/**
 * The path of every value an agreement holds that the extractor reads from the document, each of
 * which has its evidence: title, program, budget year, each party's name, the amount, each measure's
 * title and projects, and each signature's place, date, name and office.
 */
export function valuePaths(agreement: Partial<Agreement>): string[] {
  const paths: string[] = [];
  for (const key of ['title', 'program', 'budgetYear'] as const) if (agreement[key] !== undefined) paths.push(`agreement.${key}`);
  agreement.parties?.forEach((_, index) => paths.push(`agreement.parties[${index}].name`));
  if (agreement.amount) paths.push('agreement.amount');
  agreement.measures?.forEach((measure, index) => {
    paths.push(`agreement.measures[${index}].title`);
    measure.projects.forEach((_, project) => paths.push(`agreement.measures[${index}].projects[${project}]`));
  });
  agreement.signatures?.forEach((signature, index) => {
    for (const key of ['place', 'date', 'name', 'title'] as const) if (signature[key] !== undefined) paths.push(`agreement.signatures[${index}].${key}`);
  });
  return paths;
}

/** The keys a path names, in order: "agreement.measures[2].title" → ["agreement", "measures", 2, "title"]. */
function segmentsOf(path: string): PropertyKey[] {
  return [...path.matchAll(/\.?([^.[\]]+)|\[(\d+)\]/g)].map(([, key, index]) => (index !== undefined ? Number(index) : (key ?? '')));
}

/** The text of the value at a path (`agreement.measures[2].projects[0]`), where it is one. */
export function textAt(agreement: Partial<Agreement>, path: string): string | undefined {
  let value: unknown = { agreement };
  for (const segment of segmentsOf(path)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return typeof value === 'string' ? value : undefined;
}

/** The agreement with the text at a path replaced, where a text stands there; the agreement given is left as it is. */
export function withTextAt(agreement: Partial<Agreement>, path: string, text: string): Partial<Agreement> {
  if (textAt(agreement, path) === undefined) return agreement;
  const root: Record<PropertyKey, unknown> = { agreement: structuredClone(agreement) };
  const segments = segmentsOf(path);
  const parent = segments.slice(0, -1).reduce<Record<PropertyKey, unknown>>((value, segment) => value[segment] as Record<PropertyKey, unknown>, root);
  parent[segments.at(-1)!] = text;
  return root.agreement as Partial<Agreement>;
}
