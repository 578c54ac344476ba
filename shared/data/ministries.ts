/**
 * The ministry that signs for the Land has been renamed over the years; each name with the abbreviation
 * the agreements use for it. An abbreviation the document itself defines ("… Soziales (HMSI)") wins.
 */
export interface Ministry {
  name: string;
  shortName: string;
  /** First and last budget year the name was in use. */
  years: readonly [number, number];
  /** Its ministers and state secretaries in those years, who sign the agreements for it, each with the office they held. */
  officeHolders: readonly OfficeHolder[];
}

export interface OfficeHolder {
  name: string;
  office: 'Staatsminister' | 'Staatsministerin' | 'Staatssekretär' | 'Staatssekretärin';
}

export const MINISTRIES: readonly Ministry[] = [
  {
    name: 'Hessisches Sozialministerium',
    shortName: 'HSM',
    years: [2011, 2013],
    officeHolders: [
      { name: 'Stefan Grüttner', office: 'Staatsminister' },
      { name: 'Petra Müller-Klepper', office: 'Staatssekretärin' },
    ],
  },
  {
    name: 'Hessisches Ministerium für Soziales und Integration',
    shortName: 'HMSI',
    years: [2014, 2023],
    officeHolders: [
      { name: 'Stefan Grüttner', office: 'Staatsminister' },
      { name: 'Kai Klose', office: 'Staatsminister' },
      { name: 'Wolfgang Dippel', office: 'Staatssekretär' },
      { name: 'Anne Janz', office: 'Staatssekretärin' },
    ],
  },
  {
    name: 'Hessisches Ministerium für Arbeit, Integration, Jugend und Soziales',
    shortName: 'HMSI',
    years: [2024, 2026],
    officeHolders: [
      { name: 'Heike Hofmann', office: 'Staatsministerin' },
      { name: 'Katrin Hechler', office: 'Staatssekretärin' },
    ],
  },
];
