import type { RecipientKind } from '../schema/record.js';

/**
 * Hesse's 26 Gebietskörperschaften that sign a Zielvereinbarung: 21 Landkreise and 5 kreisfreie Städte.
 * `name` is the official name a record carries; `core` is the distinctive part documents build their
 * many forms around ("dem Landkreis Main-Taunus-Kreis", "des Main-Taunus-Kreises", "Kreis Bergstraße").
 */
export interface Gebietskoerperschaft {
  name: string;
  kind: RecipientKind;
  core: string;
  /** Shorter forms of the core in use ("Stadt Offenbach" for Offenbach am Main). */
  shortCores?: readonly string[];
  seat: string;
}

export const GEBIETSKOERPERSCHAFTEN: readonly Gebietskoerperschaft[] = [
  { name: 'Kreis Bergstraße', kind: 'landkreis', core: 'Bergstraße', seat: 'Heppenheim' },
  { name: 'Landkreis Darmstadt-Dieburg', kind: 'landkreis', core: 'Darmstadt-Dieburg', seat: 'Darmstadt' },
  { name: 'Kreis Groß-Gerau', kind: 'landkreis', core: 'Groß-Gerau', seat: 'Groß-Gerau' },
  { name: 'Hochtaunuskreis', kind: 'landkreis', core: 'Hochtaunuskreis', seat: 'Bad Homburg v. d. Höhe' },
  { name: 'Main-Kinzig-Kreis', kind: 'landkreis', core: 'Main-Kinzig-Kreis', seat: 'Gelnhausen' },
  { name: 'Main-Taunus-Kreis', kind: 'landkreis', core: 'Main-Taunus-Kreis', seat: 'Hofheim am Taunus' },
  { name: 'Odenwaldkreis', kind: 'landkreis', core: 'Odenwaldkreis', seat: 'Erbach' },
  { name: 'Kreis Offenbach', kind: 'landkreis', core: 'Offenbach', seat: 'Dietzenbach' },
  { name: 'Rheingau-Taunus-Kreis', kind: 'landkreis', core: 'Rheingau-Taunus-Kreis', seat: 'Bad Schwalbach' },
  { name: 'Wetteraukreis', kind: 'landkreis', core: 'Wetteraukreis', seat: 'Friedberg (Hessen)' },
  { name: 'Landkreis Gießen', kind: 'landkreis', core: 'Gießen', seat: 'Gießen' },
  { name: 'Lahn-Dill-Kreis', kind: 'landkreis', core: 'Lahn-Dill-Kreis', seat: 'Wetzlar' },
  { name: 'Landkreis Limburg-Weilburg', kind: 'landkreis', core: 'Limburg-Weilburg', seat: 'Limburg a. d. Lahn' },
  { name: 'Landkreis Marburg-Biedenkopf', kind: 'landkreis', core: 'Marburg-Biedenkopf', seat: 'Marburg' },
  { name: 'Vogelsbergkreis', kind: 'landkreis', core: 'Vogelsbergkreis', seat: 'Lauterbach (Hessen)' },
  { name: 'Landkreis Fulda', kind: 'landkreis', core: 'Fulda', seat: 'Fulda' },
  { name: 'Landkreis Hersfeld-Rotenburg', kind: 'landkreis', core: 'Hersfeld-Rotenburg', seat: 'Bad Hersfeld' },
  { name: 'Landkreis Kassel', kind: 'landkreis', core: 'Kassel', seat: 'Kassel' },
  { name: 'Schwalm-Eder-Kreis', kind: 'landkreis', core: 'Schwalm-Eder-Kreis', seat: 'Homberg (Efze)' },
  { name: 'Landkreis Waldeck-Frankenberg', kind: 'landkreis', core: 'Waldeck-Frankenberg', seat: 'Korbach' },
  { name: 'Werra-Meißner-Kreis', kind: 'landkreis', core: 'Werra-Meißner-Kreis', seat: 'Eschwege' },
  { name: 'Wissenschaftsstadt Darmstadt', kind: 'kreisfreie_stadt', core: 'Darmstadt', seat: 'Darmstadt' },
  { name: 'Stadt Frankfurt am Main', kind: 'kreisfreie_stadt', core: 'Frankfurt am Main', shortCores: ['Frankfurt'], seat: 'Frankfurt am Main' },
  { name: 'Stadt Kassel', kind: 'kreisfreie_stadt', core: 'Kassel', seat: 'Kassel' },
  { name: 'Stadt Offenbach am Main', kind: 'kreisfreie_stadt', core: 'Offenbach am Main', shortCores: ['Offenbach'], seat: 'Offenbach am Main' },
  { name: 'Landeshauptstadt Wiesbaden', kind: 'kreisfreie_stadt', core: 'Wiesbaden', seat: 'Wiesbaden' },
];
