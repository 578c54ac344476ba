import { distance } from 'fastest-levenshtein';

/**
 * Text clean-up shared by the text layer and OCR output, so that the field extractors see one kind of text:
 * invisible characters gone, ligatures spelled out, all spaces ordinary, running headers and page footers removed, and words broken at line ends rejoined.
 */

/** Cells of one visual line are separated by this; it marks side-by-side columns (signature blocks). */
import { CELL_SEPARATOR } from '../pdf/text-layer.js';

const INVISIBLE = /[\u00AD\u200B-\u200D\u2060\uFEFF]/g;
const LIGATURES = /[\uFB00-\uFB06]/g;
const SPACES = /[\u00A0\u2000-\u200A\u202F\u205F\u3000]/g;

export function normalizeCharacters(text: string): string {
  return text
    .normalize('NFC')
    .replace(INVISIBLE, '')
    .replace(LIGATURES, (ligature) => ligature.normalize('NFKC'))
    .replace(SPACES, ' ')
    // OCR's dotless i; German has none.
    .replace(/ı/g, 'i')
    .replace(/\r\n?/g, '\n');
}

/** Collapses runs of spaces inside each cell and trims; the cell separator survives. */
export function tidyLine(line: string): string {
  return line
    .split(CELL_SEPARATOR)
    .map((cell) => cell.replace(/ {2,}/g, ' ').trim())
    .filter((cell) => cell.length > 0)
    .join(CELL_SEPARATOR);
}

/** "Seite", as OCR may misread it, and the punctuation a speck may put after it ("Selte", "Seite:"). */
const PAGE_WORD = String.raw`s[eo][il1|!]t[eo][:.]?\s+[.,]?\s*`;
/** "von" between the page number and the page count, as OCR may misread it ("1'yon", "von.2", "1Vom2", "van"). */
const PAGE_OF = String.raw`\s*[.,'’‘]?\s*(?:[vy][ao0][nm]|\/|of)\s*[.,]?\s*`;

const PAGE_MARKERS = [
  // OCR may read a page number's digits as look-alike letters and garble the words ("Selte 1'yon Z").
  new RegExp(String.raw`^${PAGE_WORD}[\dOoIlZS]{1,3}${PAGE_OF}[\dOoIlZS]{1,3}$`, 'i'),
  /^seite\s+\d+$/i,
  /^[-–—]\s*\d+\s*[-–—]$/,
  /^\d+\s*\/\s*\d+$/,
];

/** What OCR may make of a page number at the foot of a page ("– 1 –" read as "s 17"): a few characters, digits, hardly a letter. */
function isGarbledPageNumber(line: string): boolean {
  const compact = line.replace(/\s/g, '');
  return compact.length <= 6 && /\d/.test(compact) && (compact.match(/\p{L}/gu) ?? []).length <= 1;
}

/** The longest a page marker at a page's edge runs, however OCR garbled it ("Selte 1.varn' 2"). */
const GARBLED_MARKER_LENGTH = 18;

/** A short line at a page's edge that opens with "Seite" misread by a letter at most: a page marker OCR garbled ("Seite Lvom?"). */
function isGarbledPageMarker(line: string): boolean {
  const compact = line.replace(/\s+/g, ' ').trim();
  const firstWord = (compact.split(' ')[0] ?? '').toLowerCase().replace(/[^\p{L}]/gu, '');
  return compact.length <= GARBLED_MARKER_LENGTH && compact.includes(' ') && distance(firstWord, 'seite') <= 1;
}

/**
 * Whether the line is a page marker of a document of `pageCount` pages. A number alone on its line is
 * one only where it could number one of its pages: OCR reads a section's "§ 3" as "83", which numbers no
 * page of a short agreement and is the heading that ends a section.
 */
export function isPageMarker(line: string, pageCount: number): boolean {
  const compact = line.replace(/\t/g, ' ').trim();
  if (/^\d{1,3}$/.test(compact)) return Number(compact) >= 1 && Number(compact) <= pageCount;
  return PAGE_MARKERS.some((marker) => marker.test(compact));
}

/**
 * The line without a page marker OCR ran into it, where a slightly rotated page brings the footer level
 * with the last line ("Seite: 1 von 25 Werkstatt …"). Only a marker that names the document's own page
 * count counts, which also tells where the count ends: of a 2-page document, that line is "5 Werkstatt
 * …", the 5 a misread bullet.
 */
export function withoutMarkerRunIn(line: string, pageCount: number): string {
  const marker = new RegExp(String.raw`^${PAGE_WORD}\d{1,3}${PAGE_OF}${pageCount}(?!\s*$)`, 'i').exec(line);
  return marker ? line.slice(marker[0].length).trim() : line;
}

/** "Seite 2 von 3", its page number and count read as digits, as OCR may garble the words around them. */
const PAGE_OF_COUNT = new RegExp(String.raw`^${PAGE_WORD}(\d{1,3})${PAGE_OF}(\d{1,3})$`, 'i');

/**
 * The page count the document's page markers announce ("Seite 2 von 3"): the count most of them name,
 * so that one marker OCR misread does not outvote the others; undefined when it has none.
 */
export function announcedPageCount(pages: readonly (readonly string[])[]): number | undefined {
  const counts = new Map<number, number>();
  for (const line of pages.flat()) {
    const marker = PAGE_OF_COUNT.exec(line.replace(/\t/g, ' ').trim());
    if (marker && Number(marker[1]) <= Number(marker[2])) counts.set(Number(marker[2]), (counts.get(Number(marker[2])) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0];
}

/** Page numbers and dates differ from page to page in a running header; the rest repeats. */
function headerKey(line: string): string {
  return line.replace(/\d+/g, '#').replace(/\s+/g, ' ').trim().toLowerCase();
}

const EDGE_LINES = 3;

/** Where a line stands on its page: its middle and its height, in shares of the page's height; and how surely it was read, 0–1. */
export interface LinePlace {
  middle: number;
  height: number;
  confidence: number;
}

/**
 * Removes page markers anywhere and lines that repeat at the top or bottom edge of at least two pages
 * (running headers and footers), then returns the document's lines in reading order. `places` says
 * where each line stands, where that is known (`LinePlace`, by page and line).
 */
export function stripPageFurniture(pages: readonly (readonly string[])[], places: readonly (readonly (LinePlace | undefined)[])[] = []): string[][] {
  return contentLineIndexes(pages, places).map((kept, page) => kept.map((index) => pages[page]?.[index] ?? ''));
}

/**
 * A page's last line is its page marker misread past knowing where it is short, OCR was unsure of it,
 * and it stands at the height another page's marker stands at, give or take its own height: "- 1 -" at
 * the foot of a 300 dpi scan read as "Sale" (45 %), where the next page's "-2-" stands a line's height
 * away at most. A word OCR was sure of is no such misreading, wherever the scanner shifted the sheet.
 */
const GARBLED_FOOTER_LENGTH = 6;
const GARBLED_FOOTER_CONFIDENCE = 0.6;

/** For each page, the indexes of the lines `stripPageFurniture` keeps. */
export function contentLineIndexes(pages: readonly (readonly string[])[], places: readonly (readonly (LinePlace | undefined)[])[] = []): number[][] {
  const markerPlaces = pages.flatMap((lines, page) =>
    lines.flatMap((line, index) => {
      const place = places[page]?.[index];
      return place && isPageMarker(line, pages.length) ? [{ page, middle: place.middle }] : [];
    }),
  );
  const atAnotherPagesMarker = (line: string, page: number, place: LinePlace | undefined) =>
    place !== undefined &&
    place.confidence < GARBLED_FOOTER_CONFIDENCE &&
    line.replace(/\s/g, '').length <= GARBLED_FOOTER_LENGTH &&
    markerPlaces.some((marker) => marker.page !== page && Math.abs(marker.middle - place.middle) <= place.height);
  const edgeCounts = new Map<string, number>();
  for (const lines of pages) {
    const content = lines.filter((line) => line.trim() && !isPageMarker(line, pages.length));
    const edges = new Set([...content.slice(0, EDGE_LINES), ...content.slice(-EDGE_LINES)].map(headerKey));
    for (const key of edges) edgeCounts.set(key, (edgeCounts.get(key) ?? 0) + 1);
  }
  // OCR reads the same header slightly differently on each page, so near-equal lines count as repeats.
  const keys = [...edgeCounts.keys()];
  // A line without a letter is no running header: page numbers are page markers, and a year or date on
  // its own line ("2011" under the title, "2011" wrapped from a signature's date) may repeat by chance.
  const repeated = (line: string) => {
    if (pages.length < 2 || !/\p{L}/u.test(line)) return false;
    const key = headerKey(line);
    const count = keys.reduce((sum, other) => sum + (other === key || (key.length > 12 && similarity(other, key) >= 0.85) ? (edgeCounts.get(other) ?? 0) : 0), 0);
    return count >= 2;
  };
  // A later page that opens with the document's first words ("Zielvereinbarung 2020 – …") carries a
  // running header, even where no other page repeats it.
  const firstWord = foldForComparison(pages[0]?.find((line) => line.trim())?.split(/\s+/)[0] ?? '');
  // OCR may misread a letter of it on either page ("Ziewereinbarung").
  const opensLikeDocument = (line: string) => firstWord.length >= 6 && similarity(foldForComparison(line.split(/\s+/)[0] ?? ''), firstWord) >= 0.85;
  // Where OCR garbled the title's first word on the first page ("Ziel in]"), a later page's header still
  // opens with the word every agreement's title starts with and a year; a title itself goes on with
  // "zwischen" (a cover letter may come first).
  const opensLikeAgreementHeader = (line: string, next: string | undefined) => {
    const words = line.trim().split(/\s+/);
    const titleWord = similarity(foldForComparison(words[0] ?? ''), 'zielvereinbarung') >= 0.85;
    return titleWord && words.slice(1, 3).some((word) => /^(?:19|20)\d\d$/.test(word)) && !/^zwischen\b/i.test(next?.trim() ?? '');
  };
  return pages.map((lines, pageIndex) => {
    const content = lines.map((line, index) => ({ line, index })).filter(({ line }) => !isPageMarker(line, pages.length));
    const nonEmpty = content.filter(({ line }) => line.trim());
    const last = nonEmpty.at(-1);
    const edgeIndexes = new Set(
      [...nonEmpty.slice(0, EDGE_LINES), ...nonEmpty.slice(-EDGE_LINES)]
        .filter(({ line, index }) => {
          const next = nonEmpty.find((other) => other.index > index)?.line;
          return repeated(line) || (pageIndex > 0 && (opensLikeDocument(line) || opensLikeAgreementHeader(line, next)));
        })
        .map(({ index }) => index),
    );
    if (pages.length > 1 && last && (isGarbledPageNumber(last.line) || atAnotherPagesMarker(last.line, pageIndex, places[pageIndex]?.[last.index]))) edgeIndexes.add(last.index);
    for (const edge of [nonEmpty[0], last]) if (pages.length > 1 && edge && isGarbledPageMarker(edge.line)) edgeIndexes.add(edge.index);
    return content.filter(({ index }) => !edgeIndexes.has(index)).map(({ index }) => index);
  });
}

/** Words that follow a hyphen without being the second half of a broken word ("Ausbildungs- und"). */
const CONJUNCTIONS = new Set(['und', 'oder', 'bzw', 'bzw.', 'sowie', 'als', 'wie']);

/**
 * Joins two wrapped line fragments. A word broken at the line end ("Arbeitsmarkt-" + "integration") is
 * rejoined without the hyphen; a hyphenated compound ("Main-" + "Taunus-Kreis") or a suspended hyphen
 * ("Ausbildungs-" + "und …") keeps it.
 */
export function joinWrapped(head: string, tail: string): string {
  const left = head.trimEnd();
  const right = tail.trimStart();
  if (!left) return right;
  if (!right) return left;
  const broken = /([A-Za-zÄÖÜäöüß])[-‐]$/.exec(left);
  if (broken) {
    const nextWord = right.split(/\s+/)[0] ?? '';
    if (/^[a-zäöüß]/.test(nextWord) && !CONJUNCTIONS.has(nextWord.toLowerCase())) {
      return left.slice(0, -1) + right;
    }
    if (/^[A-ZÄÖÜ]/.test(nextWord)) return left + right;
    return `${left} ${right}`;
  }
  return `${left} ${right}`;
}

/** Lower-cased letters only, for comparisons that must survive case, spacing and punctuation noise. */
export function foldForComparison(text: string): string {
  return text
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]/g, '');
}

/** Similarity in [0, 1] of two strings by edit distance; 1 is equal. Tolerates OCR's letter swaps. */
export function similarity(a: string, b: string): number {
  const longest = Math.max(a.length, b.length);
  return longest === 0 ? 1 : 1 - distance(a, b) / longest;
}
