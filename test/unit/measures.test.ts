import { describe, expect, it } from 'vitest';
import { extractMeasures } from '../../shared/extract/measures.js';
import type { LineGeometry, PlacedWord } from '../../shared/pdf/text-layer.js';

/** A word starting at `x`, each character 5 points wide, on a 10-point line. */
const word = (text: string, x: number): PlacedWord => ({ text, left: x, right: x + text.length * 5, top: 0, bottom: 10, confidence: 1 });

/** A line set at `x`, each character 5 points wide, ending at `endX` (a justified line is stretched to it). */
function placed(x: number, text: string, endX = x + text.length * 5): { text: string; geometry: LineGeometry } {
  const words = [...text.matchAll(/\S+/g)];
  return { text, geometry: { words: words.map((match) => word(match[0], x + (match.index ?? 0) * 5)), endX } };
}

const RIGHT_EDGE = 534.7;
/** Running text before the list: full lines, justified to the right edge. */
const PARAGRAPH = [
  placed(78, 'Der Landkreis Fulda finanziert mit den Mitteln des Ausbildungs- und', RIGHT_EDGE),
  placed(78, 'Qualifizierungsbudgets 2023 in den jeweiligen Maßnahmenarten folgende', RIGHT_EDGE),
  placed(78, 'Projekte, die im Rahmen der regionalen Strategie abgestimmt worden sind', RIGHT_EDGE),
  placed(78, 'und über die der Landkreis dem Ministerium jährlich berichtet, wie folgt', RIGHT_EDGE),
  placed(78, 'in den jeweiligen Maßnahmenarten folgende Projekte:'),
];
const AFTER = [placed(78, 'Die Förderung der aufgeführten Maßnahmen erfolgt auf Basis des Bescheides.')];

function read(list: { text: string; geometry: LineGeometry }[], withGeometry = true) {
  const lines = [...PARAGRAPH, ...list, ...AFTER];
  return extractMeasures(
    lines.map((line) => line.text),
    0,
    withGeometry ? lines.map((line) => line.geometry) : [],
  )?.measures;
}

describe('a measure list whose bullets are drawn, not typed', () => {
  it('reads a line set further right than the title text as a project, even where the title line looks full', () => {
    const measures = read([
      placed(92, '1. Teilzeitausbildung für Menschen mit familiensorgenden Tätigkeiten'),
      placed(138, 'Werkstatt Zukunft – Qualifizierung in Holz, Metall und'),
      placed(138, 'Hauswirtschaft mit sozialpädagogischer Begleitung'),
      placed(92, '2. Ausbildungsvorbereitung'),
      placed(138, 'Jugendwerkstatt Nord'),
    ]);
    expect(measures).toEqual([
      {
        number: 1,
        title: 'Teilzeitausbildung für Menschen mit familiensorgenden Tätigkeiten',
        projects: ['Werkstatt Zukunft – Qualifizierung in Holz, Metall und Hauswirtschaft mit sozialpädagogischer Begleitung'],
      },
      { number: 2, title: 'Ausbildungsvorbereitung', projects: ['Jugendwerkstatt Nord'] },
    ]);
  });

  it('keeps a title line that continues at the title text together with its title', () => {
    const measures = read([
      placed(92, '1. Weiterbildungsmaßnahmen für Personal der Landkreise und kreisfreien Städte in der', RIGHT_EDGE),
      placed(108, 'fachlichen Verantwortung für Benachteiligte'),
      placed(138, 'Sprungbrett'),
    ]);
    expect(measures?.[0]).toEqual({
      number: 1,
      title: 'Weiterbildungsmaßnahmen für Personal der Landkreise und kreisfreien Städte in der fachlichen Verantwortung für Benachteiligte',
      projects: ['Sprungbrett'],
    });
  });

  it('in a justified list, ends a project at a line that stops short of the right edge, though the next word would not have fitted', () => {
    const measures = read([
      placed(92, '1. Ausbildung und Ausbildungscoaching in anerkannten', RIGHT_EDGE),
      placed(108, 'Ausbildungsberufen'),
      placed(138, 'Werkstatt Zukunft – Qualifizierung in Holz, Metall und', RIGHT_EDGE),
      placed(138, 'Hauswirtschaft mit sozialpädagogischer Begleitung und Beratung vor Ort', 511.3),
      placed(138, 'Sprungbrett'),
    ]);
    expect(measures?.[0]?.projects).toEqual([
      'Werkstatt Zukunft – Qualifizierung in Holz, Metall und Hauswirtschaft mit sozialpädagogischer Begleitung und Beratung vor Ort',
      'Sprungbrett',
    ]);
  });

  it('in a ragged list, takes a line that stopped a few points short of the edge as wrapped, as producers leave some room', () => {
    const measures = read([
      placed(92, '1. Ausbildungsvorbereitung'),
      placed(138, 'Ausbildungslotsen'),
      placed(138, 'Jugendwerkstatt Nord'),
      placed(138, 'TAff – Teilzeitausbildung für Alleinerziehende und familiär Verpflichtete im ländlichen', 504),
      placed(138, 'Raum des Kreises'),
    ]);
    expect(measures?.[0]?.projects).toEqual([
      'Ausbildungslotsen',
      'Jugendwerkstatt Nord',
      'TAff – Teilzeitausbildung für Alleinerziehende und familiär Verpflichtete im ländlichen Raum des Kreises',
    ]);
  });
});

describe('a measure list as OCR reads it, with where its words start', () => {
  /** OCR geometry: word starts only, no line end; `read` is the words as OCR read them, junk included. */
  const scanned = (x: number, text: string, read = text) => {
    let offset = 0;
    const words = read.split(' ').map((text) => {
      const at = x + offset * 5;
      offset += text.length + 1;
      return word(text, at);
    });
    return { text, geometry: { words, endX: Number.NaN } };
  };
  const blank = { text: '', geometry: { words: [], endX: Number.NaN } };

  it('goes on over the blank lines OCR puts between items as long as lines are set as far right as the list', () => {
    const measures = read([
      scanned(60, '1. Weiterbildungsmaßnahmen für Personal der Landkreise und kreisfreien'),
      blank,
      scanned(75, 'Städte in der fachlichen Verantwortung für Benachteiligte im Kontext der'),
      blank,
      scanned(75, 'Arbeitsmarktförderung'),
      blank,
      // The bullet was read as a speck and dropped from the line; the text starts after it.
      scanned(80, 'Ausbildungslotsen', '• Ausbildungslotsen'),
      blank,
      scanned(90, 'Jugendwerkstatt Nord'),
      scanned(60, 'Z. Ausbildungsvorbereitung'),
      scanned(90, '0. Kompetenzagentur Jugend und Beruf'),
      // A speck between the number and the title is not where the title starts.
      scanned(60, '3. . Maßnahmen zur Integration von Menschen mit Migrationshintergrund in Ausbildung'),
      scanned(80, 'und Beschäftigung'),
      scanned(90, '& Sprungbrett'),
      scanned(90, 'x Jugendwerkstatt Süd'),
      scanned(90, 'o_ Berufssprachkurs Pflege'),
      scanned(90, 'o- Coaching für Geflüchtete in Ausbildung'),
      scanned(90, 'oJobBrücke'),
      scanned(90, 're'),
      scanned(90, 'Perspektive Beruf | (PerBe)'),
      scanned(90, 'o .Ausbildungslotsen'),
      scanned(90, 'o! Frauen : in Arbeit'),
    ]);
    expect(measures).toEqual([
      {
        number: 1,
        title: 'Weiterbildungsmaßnahmen für Personal der Landkreise und kreisfreien Städte in der fachlichen Verantwortung für Benachteiligte im Kontext der Arbeitsmarktförderung',
        projects: ['Ausbildungslotsen', 'Jugendwerkstatt Nord'],
      },
      { number: 2, title: 'Ausbildungsvorbereitung', projects: ['Kompetenzagentur Jugend und Beruf'] },
      {
        number: 3,
        title: 'Maßnahmen zur Integration von Menschen mit Migrationshintergrund in Ausbildung und Beschäftigung',
        projects: ['Sprungbrett', 'Jugendwerkstatt Süd', 'Berufssprachkurs Pflege', 'Coaching für Geflüchtete in Ausbildung', 'JobBrücke', 'Perspektive Beruf (PerBe)', 'Ausbildungslotsen', 'Frauen in Arbeit'],
      },
    ]);
  });

  it('reads a bullet OCR took for a number that is not the next measure\'s as a bullet where it is set under the measure', () => {
    const measures = read([
      scanned(60, '1. Ausbildungsvorbereitung'),
      scanned(75, '9; Sprungbrett'),
      // 7 is how OCR misreads the 2 that comes next, but set under the measure it is a bullet.
      scanned(75, '7. Coaching für Geflüchtete in Ausbildung'),
      scanned(60, '2. Berufliche Orientierung'),
      scanned(75, '6. Berufssprachkurs Pflege'),
      // Even the number the next measure would have.
      scanned(75, '3. Kompetenzagentur Jugend und Beruf'),
    ]);
    expect(measures).toEqual([
      { number: 1, title: 'Ausbildungsvorbereitung', projects: ['Sprungbrett', 'Coaching für Geflüchtete in Ausbildung'] },
      { number: 2, title: 'Berufliche Orientierung', projects: ['Berufssprachkurs Pflege', 'Kompetenzagentur Jugend und Beruf'] },
    ]);
  });

  it('compares where a number stands only within a page, as a scanner shifts each sheet', () => {
    const onPage = (page: number, line: ReturnType<typeof scanned>) => ({ ...line, geometry: { ...line.geometry, page } });
    const measures = read([
      onPage(0, scanned(63, '1. Qualifizierungsprojekte zur Arbeitsmarktintegration, Fachkräftesicherung')),
      onPage(0, scanned(82, '- JobBrücke')),
      onPage(0, scanned(63, '2. Berufliche Orientierung')),
      onPage(0, scanned(82, '- Zukunftskompass')),
      // The next sheet lies 10 points further right on the scanner.
      onPage(1, scanned(73, '3. Ausbildungsvorbereitung')),
      onPage(1, scanned(92, '- Sprungbrett')),
    ]);
    expect(measures?.map((measure) => [measure.number, measure.title, measure.projects])).toEqual([
      [1, 'Qualifizierungsprojekte zur Arbeitsmarktintegration, Fachkräftesicherung', ['JobBrücke']],
      [2, 'Berufliche Orientierung', ['Zukunftskompass']],
      [3, 'Ausbildungsvorbereitung', ['Sprungbrett']],
    ]);
  });

  it('places a line whose first word OCR ran into the next, and clean-up split, where that word starts: after a blank, as far right as the list', () => {
    const measures = read([
      scanned(60, '1. Maßnahmen zur Integration von Menschen mit Migrationshintergrund in Ausbildung'),
      blank,
      scanned(75, 'und Beschäftigung'),
      blank,
      scanned(90, 'Kompetenzagentur Jugend und Beruf', '* Kompetenzagentur]ugend und Beruf'),
      blank,
      scanned(90, 'JobBrücke'),
    ]);
    expect(measures).toEqual([
      {
        number: 1,
        title: 'Maßnahmen zur Integration von Menschen mit Migrationshintergrund in Ausbildung und Beschäftigung',
        projects: ['Kompetenzagentur Jugend und Beruf', 'JobBrücke'],
      },
    ]);
  });

  it('carries a title that breaks off mid-phrase over the page break, wherever the next page\'s scan sets its last word', () => {
    const onPage = (page: number, line: ReturnType<typeof scanned>) => ({ ...line, geometry: { ...line.geometry, page } });
    const measures = read([
      onPage(0, scanned(60, '1. Weiterbildungsmaßnahmen für Personal der Landkreise und kreisfreien Städte in')),
      onPage(0, scanned(75, 'der fachlichen Verantwortung für Benachteiligte im Kontext der')),
      onPage(1, scanned(95, 'Arbeitsmarktförderung')),
      onPage(1, scanned(95, 'Assistierte Ausbildung plus')),
      onPage(1, scanned(60, '2. Ausbildungsvorbereitung')),
    ]);
    expect(measures).toEqual([
      {
        number: 1,
        title: 'Weiterbildungsmaßnahmen für Personal der Landkreise und kreisfreien Städte in der fachlichen Verantwortung für Benachteiligte im Kontext der Arbeitsmarktförderung',
        projects: ['Assistierte Ausbildung plus'],
      },
      { number: 2, title: 'Ausbildungsvorbereitung', projects: [] },
    ]);
  });

  it('says which items it joined from OCR lines where a noun ran into a noun: perhaps two items, a bullet lost', () => {
    const ocr = (line: ReturnType<typeof scanned>) => ({ ...line, geometry: { ...line.geometry, readByOcr: true } });
    const lines = [
      ocr(scanned(60, '1. Teilzeitausbildung für Menschen mit familiensorgenden Tätigkeiten')),
      ocr(scanned(90, 'o Werkstatt Zukunft – Qualifizierung in Holz, Metall und')),
      ocr(scanned(90, 'Hauswirtschaft mit sozialpädagogischer Begleitung im Landkreis')),
      ocr(scanned(90, 'Jugendwerkstatt Nord')),
    ];
    // Where a scan's lines end is not known: the running text around the list is as OCR read it too.
    const scannedText = (line: { text: string }) => ocr(scanned(40, line.text));
    const listOf = (items: typeof lines) => {
      const all = [...PARAGRAPH.map(scannedText), ...items, ...AFTER.map(scannedText)];
      return extractMeasures(all.map((line) => line.text), 0, all.map((line) => line.geometry));
    };
    const list = listOf(lines);
    expect(list?.measures[0]?.projects).toEqual(['Werkstatt Zukunft – Qualifizierung in Holz, Metall und Hauswirtschaft mit sozialpädagogischer Begleitung im Landkreis Jugendwerkstatt Nord']);
    expect(list?.doubtfulJoins).toEqual(['agreement.measures[0].projects[0]']);
    // A join after "und" is a phrase going on; nothing doubtful.
    expect(listOf(lines.slice(0, 3))?.doubtfulJoins).toEqual([]);
  });

  it('ends the list at a blank line followed by a line set further left than the list', () => {
    const measures = read([scanned(60, '1. Ausbildungsvorbereitung'), scanned(90, 'Jugendwerkstatt Nord'), blank, scanned(40, 'Zielsteuerung')]);
    expect(measures).toEqual([{ number: 1, title: 'Ausbildungsvorbereitung', projects: ['Jugendwerkstatt Nord'] }]);
  });
});

describe('a measure list as OCR reads it', () => {
  const ocrLines = (lines: string[]) => read(lines.map((text) => ({ text, geometry: { words: [], endX: Number.NaN } })), false);

  it('reads bullets misread as letters, quotes or a digit, and skips a line of specks', () => {
    const measures = ocrLines([
      '1. Ausbildungsvorbereitung',
      'os Ausbildungslotsen',
      "o' Sprungbrett",
      "o 'ÜSBZ",
      '„12',
      '9 JobBrücke',
      '°o Berufssprachkurs Pflege',
      'o° Kompetenzagentur Jugend und Beruf',
      // Read so under a stamp (unseen set 33000001): the "o°" was kept in the project's name.
      '°o° Frauen in Arbeit – FiA',
      '2; Qualifizierungsprojekte zur Arbeitsmarktintegration, Fachkräftesicherung',
      '3." Teilzeitausbildung für Menschen mit familiensorgenden Tätigkeiten',
      '- "Neue Wege" für Alleinerziehende',
    ]);
    expect(measures).toEqual([
      { number: 1, title: 'Ausbildungsvorbereitung', projects: ['Ausbildungslotsen', 'Sprungbrett', 'ÜSBZ', 'JobBrücke', 'Berufssprachkurs Pflege', 'Kompetenzagentur Jugend und Beruf', 'Frauen in Arbeit – FiA'] },
      { number: 2, title: 'Qualifizierungsprojekte zur Arbeitsmarktintegration, Fachkräftesicherung', projects: [] },
      { number: 3, title: 'Teilzeitausbildung für Menschen mit familiensorgenden Tätigkeiten', projects: ['"Neue Wege" für Alleinerziehende'] },
    ]);
  });

  it('reads a measure whose number lost its period where it is the number the list expects next, and a bullet read as another digit as a bullet', () => {
    const measures = ocrLines([
      '1 Ausbildungsvorbereitung',
      '- Jugendwerkstatt Nord',
      '3 Sprungbrett',
      '2 Teilzeitausbildung für Menschen mit familiensorgenden Tätigkeiten',
      '- Kompetenzagentur Jugend und Beruf',
    ]);
    expect(measures).toEqual([
      { number: 1, title: 'Ausbildungsvorbereitung', projects: ['Jugendwerkstatt Nord', 'Sprungbrett'] },
      { number: 2, title: 'Teilzeitausbildung für Menschen mit familiensorgenden Tätigkeiten', projects: ['Kompetenzagentur Jugend und Beruf'] },
    ]);
  });

  it('goes on over a paragraph break only where the item plainly goes on, and drops specks read as periods, underscores, closing brackets or lone apostrophes', () => {
    const measures = ocrLines([
      '1) Maßnahmen zur Integration von Menschen mit Migrationshintergrund _ in Ausbildung und',
      '',
      'Beschäftigung',
      '- _- „Coaching für Geflüchtete in Ausbildung',
      "- 'TAff – Teilzeitausbildung für Alleinerziehende",
      '- ]JobBrücke',
      '2) Teilzeitausbildung für Menschen mit _familiensorgenden. Tätigkeiten',
      '',
      'Kompetenzagentur Jugend und Beruf',
    ]);
    expect(measures).toEqual([
      {
        number: 1,
        title: 'Maßnahmen zur Integration von Menschen mit Migrationshintergrund in Ausbildung und Beschäftigung',
        projects: ['Coaching für Geflüchtete in Ausbildung', 'TAff – Teilzeitausbildung für Alleinerziehende', 'JobBrücke'],
      },
      { number: 2, title: 'Teilzeitausbildung für Menschen mit familiensorgenden Tätigkeiten', projects: [] },
    ]);
  });
});
