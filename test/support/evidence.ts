import { expect } from 'vitest';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { parseGermanDate, toIsoDate } from '../../shared/extract/dates.js';
import { valuePaths } from '../../shared/schema/paths.js';
import type { AgreementRecord, EvidenceBox } from '../../shared/schema/record.js';

/**
 * Checks of a record's evidence that do not trust the extraction's own reading of the page: what
 * characters pdf.js itself reports inside a box.
 */

/** A character as pdf.js places it: its text item's width shared out evenly over the item's characters. */
interface PlacedCharacter {
  text: string;
  /** Its middle, in fractions of the page, origin top-left. */
  x: number;
  y: number;
}

/** Every character of every page's text content, by page (from 1). */
export async function pdfCharacters(bytes: Uint8Array): Promise<Map<number, PlacedCharacter[]>> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), isEvalSupported: false, verbosity: 0 }).promise;
  const pages = new Map<number, PlacedCharacter[]>();
  try {
    for (let number = 1; number <= pdf.numPages; number++) {
      const page = await pdf.getPage(number);
      const viewport = page.getViewport({ scale: 1 });
      const content = await page.getTextContent();
      const characters: PlacedCharacter[] = [];
      for (const item of content.items) {
        if (!('str' in item) || item.str.length === 0) continue;
        const advance = item.width / item.str.length;
        [...item.str].forEach((text, index) => {
          const [x, y] = viewport.convertToViewportPoint(item.transform[4] + (index + 0.5) * advance, item.transform[5] + item.height * 0.35);
          characters.push({ text, x: x / viewport.width, y: y / viewport.height });
        });
      }
      pages.set(number, characters);
    }
  } finally {
    await pdf.destroy();
  }
  return pages;
}

/** The characters pdf.js places inside the box, in its order, with a margin of half a point or so. */
export function textInBox(characters: readonly PlacedCharacter[], box: EvidenceBox): string {
  const margin = 0.001;
  const inside = characters.filter(
    (character) => character.x >= box.left - margin && character.x <= box.left + box.width + margin && character.y >= box.top - margin && character.y <= box.top + box.height + margin,
  );
  // Characters of different lines are words apart.
  return inside
    .map((character, index) => (index > 0 && Math.abs(character.y - (inside[index - 1]?.y ?? character.y)) > 0.005 ? ` ${character.text}` : character.text))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A box that spans more than one line of text must hold its value's lines whole, and so what else they hold. */
const isOneLine = (box: EvidenceBox) => box.height < 0.025;

/** Every value of the record has exactly one piece of evidence, on a page of the document, inside the page. */
export function expectEvidenceForEveryValue(record: AgreementRecord): void {
  const paths = (record.evidence ?? []).map((evidence) => evidence.path);
  expect(paths.sort()).toEqual(valuePaths(record.agreement).sort());
  for (const evidence of record.evidence ?? []) {
    expect(evidence.page).toBeGreaterThanOrEqual(1);
    expect(evidence.page).toBeLessThanOrEqual(record.pages);
    expect(evidence.box.left + evidence.box.width).toBeLessThanOrEqual(1);
    expect(evidence.box.top + evidence.box.height).toBeLessThanOrEqual(1);
    expect(evidence.box.width * evidence.box.height).toBeGreaterThan(0);
    expect(evidence.text.trim()).not.toBe('');
  }
}

/**
 * On a digital document, the boxes of the amount, the year, the signature dates and the recipient hold
 * those values in pdf.js's own placing of the page's characters, and little else.
 */
export async function expectBoxesHoldTheirValues(bytes: Uint8Array, record: AgreementRecord): Promise<void> {
  const pages = await pdfCharacters(bytes);
  const inBox = (path: string) => {
    const evidence = record.evidence?.find((candidate) => candidate.path === path);
    expect(evidence, path).toBeDefined();
    return textInBox(pages.get(evidence!.page) ?? [], evidence!.box);
  };
  const boxOf = (path: string) => record.evidence?.find((candidate) => candidate.path === path)?.box;
  const holds = (path: string, value: string) => {
    const text = inBox(path);
    expect(text, path).toContain(value);
    // Little else: a box around the value, not around its line.
    if (isOneLine(boxOf(path)!)) expect(text.length, `${path}: "${text}"`).toBeLessThanOrEqual(value.length + 8);
  };
  const { agreement } = record;
  if (agreement.amount) holds('agreement.amount', agreement.amount.text.replace(/\s+/g, ' '));
  if (agreement.budgetYear !== undefined) holds('agreement.budgetYear', String(agreement.budgetYear));
  agreement.parties?.forEach((party, index) => {
    if (party.role === 'recipient') holds(`agreement.parties[${index}].name`, party.name);
  });
  agreement.signatures?.forEach((signature, index) => {
    const text = inBox(`agreement.signatures[${index}].date`);
    const written = parseGermanDate(text);
    expect(written && toIsoDate(written), `signature ${index}: "${text}"`).toBe(signature.date);
    if (isOneLine(boxOf(`agreement.signatures[${index}].date`)!)) expect(text.length, text).toBeLessThanOrEqual((written?.text.length ?? 0) + 4);
  });
}
