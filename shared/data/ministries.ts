/**
 * The ministry that signs for the Land has been renamed over the years; each name with the abbreviation
 * the agreements use for it. An abbreviation the document itself defines ("… Soziales (HMSI)") wins.
 */
export interface Ministry {
  name: string;
  shortName: string;
  /** First and last budget year the name was in use. */
  years: readonly [number, number];
  /** Its ministers and state secretaries in those years, who sign the agreements for it. */
  officeHolders: readonly string[];
}

export const MINISTRIES: readonly Ministry[] = [
  { name: 'Hessisches Sozialministerium', shortName: 'HSM', years: [2011, 2013], officeHolders: ['Stefan Grüttner', 'Petra Müller-Klepper'] },
  {
    name: 'Hessisches Ministerium für Soziales und Integration',
    shortName: 'HMSI',
    years: [2014, 2023],
    officeHolders: ['Stefan Grüttner', 'Kai Klose', 'Wolfgang Dippel', 'Anne Janz'],
  },
  {
    name: 'Hessisches Ministerium für Arbeit, Integration, Jugend und Soziales',
    shortName: 'HMSI',
    years: [2024, 2026],
    officeHolders: ['Heike Hofmann', 'Katrin Hechler'],
  },
];
