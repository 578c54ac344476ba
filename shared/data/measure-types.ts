/**
 * The measure types (Maßnahmenarten) of the Ausbildungs- und Qualifizierungsbudget as the ministry's
 * agreements name them. A title read by OCR that is nearly one of these is taken to be it; any other
 * title stays as read.
 */
export const STANDARD_MEASURE_TYPES: readonly string[] = [
  'Ausbildungsvorbereitung',
  'Ausbildung und Ausbildungscoaching in anerkannten Ausbildungsberufen',
  'Qualifizierungsprojekte zur Arbeitsmarktintegration, Fachkräftesicherung',
  'Weiterbildungsmaßnahmen für Personal der Landkreise und kreisfreien Städte in der fachlichen Verantwortung für Benachteiligte im Kontext der Arbeitsmarktförderung',
];
