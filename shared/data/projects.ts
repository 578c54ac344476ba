/**
 * Projects the agreements fund, by the names they are listed under in agreements the ministry signed
 * (the 2025 agreement with the Main-Taunus-Kreis). Counties fund the same projects year after year, so
 * a name found here is no misreading: an acronym such as "ÜSBZ" is no German word, and OCR reads it
 * with less confidence than a word.
 */
export const KNOWN_PROJECTS: readonly string[] = ['ÜSBZ', 'EASY – Entwicklung Ausbildung Soziale Teilhabe You', 'Zukunftskompass'];
