/**
 * The ministry that signs for the Land has been renamed over the years; each name with the abbreviation
 * the agreements use for it. An abbreviation the document itself defines ("… Soziales (HMSI)") wins.
 */
export interface Ministry {
  name: string;
  shortName: string;
  /** First and last budget year the name was in use. */
  years: readonly [number, number];
}

export const MINISTRIES: readonly Ministry[] = [
  { name: 'Hessisches Sozialministerium', shortName: 'HSM', years: [2011, 2013] },
  { name: 'Hessisches Ministerium für Soziales und Integration', shortName: 'HMSI', years: [2014, 2023] },
  { name: 'Hessisches Ministerium für Arbeit, Integration, Jugend und Soziales', shortName: 'HMSI', years: [2024, 2026] },
];
