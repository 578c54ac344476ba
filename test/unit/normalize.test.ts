import { describe, expect, it } from 'vitest';
import { isPageMarker, joinWrapped, normalizeCharacters, stripPageFurniture, tidyLine, withoutMarkerRunIn } from '../../shared/extract/normalize.js';
import { dropStrayPeriods, OCR_REPAIRS, repairDigits, repairOcrLine, restoreCapitalJ, restoreDashes, restoreNameHyphens, restoreSpaceAfterShortWord, restoreSpaceBeforeCurrency, withoutStrayUmlauts } from '../../shared/extract/ocr-repairs.js';

describe('character clean-up', () => {
  it('drops soft hyphens and zero-width characters, spells out ligatures, makes spaces ordinary', () => {
    expect(normalizeCharacters('Quali\u00ADfizierung\u200B ö\uFB00entlich \uFB01nanziert 1\u00A0018\u202F910')).toBe(
      'Qualifizierung öffentlich finanziert 1 018 910',
    );
  });

  it('composes decomposed umlauts', () => {
    expect(normalizeCharacters('Mu\u0308nchen')).toBe('München');
  });

  it('repairs letters for digits inside numbers only', () => {
    expect(repairDigits('1.O18.91O Euro')).toBe('1.018.910 Euro');
    expect(repairDigits('2O25')).toBe('2025');
    expect(repairDigits('l.250.000 EUR')).toBe('1.250.000 EUR');
    expect(repairDigits('Soll Ort Ideen')).toBe('Soll Ort Ideen');
  });

  it('restores the German dash that OCR read as a hyphen, leaving compounds alone', () => {
    expect(restoreDashes('EASY - Entwicklung')).toBe('EASY – Entwicklung');
    expect(restoreDashes('EASY -- Entwicklung')).toBe('EASY – Entwicklung');
    expect(restoreDashes('Frauen in Arbeit = FiA')).toBe('Frauen in Arbeit – FiA');
    expect(restoreDashes('Main-Taunus-Kreis')).toBe('Main-Taunus-Kreis');
    expect(restoreDashes('TAff- Teilzeitausbildung')).toBe('TAff – Teilzeitausbildung');
    expect(restoreDashes('Frauen in Arbeit -FiA')).toBe('Frauen in Arbeit – FiA');
    expect(restoreDashes('Frauen in Arbeit =FiA')).toBe('Frauen in Arbeit – FiA');
    expect(restoreDashes('des Ausbildungs- und Qualifizierungsbudgets')).toBe('des Ausbildungs- und Qualifizierungsbudgets');
  });

  it('gives a name of the list its hyphens where OCR read dashes, and leaves dashes between other words alone', () => {
    expect(restoreNameHyphens('und dem Landkreis Rheingau – Taunus-Kreis')).toBe('und dem Landkreis Rheingau-Taunus-Kreis');
    expect(restoreNameHyphens('des Main – Taunus – Kreises')).toBe('des Main-Taunus-Kreises');
    expect(restoreNameHyphens('Kreis Groß -Gerau')).toBe('Kreis Groß-Gerau');
    expect(restoreNameHyphens('Landkreis Darmstadt–Dieburg')).toBe('Landkreis Darmstadt-Dieburg');
    expect(restoreNameHyphens('TAff – Teilzeitausbildung')).toBe('TAff – Teilzeitausbildung');
    expect(restoreNameHyphens('Werkstatt Zukunft – Qualifizierung')).toBe('Werkstatt Zukunft – Qualifizierung');
    // Only a whole name: a word ending in a name's first part is another word.
    expect(restoreNameHyphens('Untermain – Taunus-Kreis')).toBe('Untermain – Taunus-Kreis');
  });

  it('puts back the space OCR lost between a short word and the noun after it, and leaves names with capitals inside alone', () => {
    expect(restoreSpaceAfterShortWord('Frauen inArbeit – FiA')).toBe('Frauen in Arbeit – FiA');
    expect(restoreSpaceAfterShortWord('Teilzeitausbildung fürAlleinerziehende undFamilien')).toBe('Teilzeitausbildung für Alleinerziehende und Familien');
    expect(restoreSpaceAfterShortWord('JobBrücke, DieStadt, mitte, BerlinArbeit')).toBe('JobBrücke, DieStadt, mitte, BerlinArbeit');
    expect(restoreSpaceAfterShortWord('Kinder im Projekt')).toBe('Kinder im Projekt');
  });

  it('puts back the space OCR lost between an amount and the currency after it, and nowhere else', () => {
    expect(restoreSpaceBeforeCurrency('insgesamt 1 422 739€ zur Verfügung')).toBe('insgesamt 1 422 739 € zur Verfügung');
    expect(restoreSpaceBeforeCurrency('2.345.678,00EUR und 1.018.910Euro')).toBe('2.345.678,00 EUR und 1.018.910 Euro');
    expect(restoreSpaceBeforeCurrency('1 422 739 € und € 987.654,50, Euroschein, 5Europäer')).toBe('1 422 739 € und € 987.654,50, Euroschein, 5Europäer');
  });

  it('drops the periods OCR reads into the gaps of justified text, and keeps sentence ends and abbreviations', () => {
    expect(dropStrayPeriods('in Ausbildung und.')).toBe('in Ausbildung und');
    expect(dropStrayPeriods('für Alleinerziehende und’ familiär Verpflichtete')).toBe('für Alleinerziehende und familiär Verpflichtete');
    expect(dropStrayPeriods('Hans’ Werkstatt und geht’s')).toBe('Hans’ Werkstatt und geht’s');
    expect(dropStrayPeriods('Die. Förderung der Maßnahmen')).toBe('Die Förderung der Maßnahmen');
    expect(dropStrayPeriods('Weiterbildungsmaßnahmen. für Personal der Landkreise')).toBe('Weiterbildungsmaßnahmen für Personal der Landkreise');
    expect(dropStrayPeriods('TAff –. Teilzeitausbildung')).toBe('TAff – Teilzeitausbildung');
    expect(dropStrayPeriods('1.,854.899,00 EUR')).toBe('1.854.899,00 EUR');
    expect(dropStrayPeriods('Frauen in.Arbeit – FiA')).toBe('Frauen in Arbeit – FiA');
    expect(dropStrayPeriods('und.der Stadt Offenbach am Main')).toBe('und der Stadt Offenbach am Main');
    expect(dropStrayPeriods("Coaching'für Geflüchtete")).toBe('Coaching für Geflüchtete');
    expect(dropStrayPeriods('Migrationshintergrund in‘ Ausbildung')).toBe('Migrationshintergrund in Ausbildung');
    expect(dropStrayPeriods('das Projekt ‚Sprungbrett‘ und der e.V.')).toBe('das Projekt ‚Sprungbrett‘ und der e.V.');
    expect(dropStrayPeriods('finanziert ‚mit den Mitteln')).toBe('finanziert mit den Mitteln');
    expect(dropStrayPeriods('‚5, Teilzeitausbildung')).toBe('5, Teilzeitausbildung');
    expect(dropStrayPeriods('werden erreicht. Die Entscheidung fällt z. B. im Herbst, vgl. die Richtlinie.')).toBe(
      'werden erreicht. Die Entscheidung fällt z. B. im Herbst, vgl. die Richtlinie.',
    );
  });

  it('keeps cell separators and collapses spaces', () => {
    expect(tidyLine('  Wiesbaden,   den 2.8.2025 \t  Hofheim \t ')).toBe('Wiesbaden, den 2.8.2025\tHofheim');
  });
});

describe('joining wrapped lines', () => {
  it.each([
    ['Arbeitsmarkt-', 'integration', 'Arbeitsmarktintegration'],
    ['Ausbildungs-', 'und Qualifizierungsbudget', 'Ausbildungs- und Qualifizierungsbudget'],
    ['Main-', 'Taunus-Kreis', 'Main-Taunus-Kreis'],
    ['in der fachlichen', 'Verantwortung', 'in der fachlichen Verantwortung'],
  ])('%s + %s', (head, tail, joined) => {
    expect(joinWrapped(head, tail)).toBe(joined);
  });
});

describe('page furniture', () => {
  it('removes page markers and headers repeated at the top of pages, keeping the body', () => {
    const pages = [
      ['Zielvereinbarung 2023', 'zwischen', 'Text eins', 'Seite 1 von 3'],
      ['Zielvereinbarung AQB 2023 – Landkreis Fulda', 'Text zwei', '- 2 -'],
      ['Zielvereinbarung AQB 2023 – Landkreis Fulda', 'Text drei', 'Seite 3 von 3'],
    ];
    expect(stripPageFurniture(pages)).toEqual([['Zielvereinbarung 2023', 'zwischen', 'Text eins'], ['Text zwei'], ['Text drei']]);
  });

  it('removes from later pages a running header that opens like the document, though OCR read it differently on each page', () => {
    const pages = [
      ['Ziewereinbarung 2020 – WetteraukTteis', 'Zielvereinbarung', '1. Ausbildungsvorbereitung'],
      ['Zielvereinbarung 2020 – \\Wättersukreis', 'Produktionsschule „Neue Wege“'],
    ];
    expect(stripPageFurniture(pages)).toEqual([
      ['Ziewereinbarung 2020 – WetteraukTteis', 'Zielvereinbarung', '1. Ausbildungsvorbereitung'],
      ['Produktionsschule „Neue Wege“'],
    ]);
  });

  it('removes a later page\'s running header that opens with the title word and a year where OCR garbled the first page\'s title, but keeps a title after a cover letter', () => {
    const pages = [
      ['Ziel in]', '2017', 'zwischen', '1. Weiterbildungsmaßnahmen'],
      ['Zielvereinbarung 2017 – Landkreis Martung – Biedenkopf', '- Berufssprachkurs Pflege'],
    ];
    expect(stripPageFurniture(pages)).toEqual([['Ziel in]', '2017', 'zwischen', '1. Weiterbildungsmaßnahmen'], ['- Berufssprachkurs Pflege']]);
    const afterCoverLetter = [
      ['Sehr geehrte Damen und Herren,', 'anbei erhalten Sie die unterzeichnete Vereinbarung.'],
      ['Zielvereinbarung 2017', 'zwischen', 'dem Hessischen Ministerium für Soziales und Integration'],
    ];
    expect(stripPageFurniture(afterCoverLetter)).toEqual(afterCoverLetter);
  });

  it('knows page markers that OCR misread', () => {
    expect(isPageMarker('Seite 1 von Z', 2)).toBe(true);
    expect(isPageMarker('Seite 1.von 2', 2)).toBe(true);
    expect(isPageMarker("Selte 1'yon Z", 2)).toBe(true);
    expect(isPageMarker('Seite 2 von.2', 2)).toBe(true);
    expect(isPageMarker('Seite .1 von 2', 2)).toBe(true);
    expect(isPageMarker('Seite: 1 von 2', 2)).toBe(true);
    expect(isPageMarker('Seite 1Vom2', 2)).toBe(true);
    expect(isPageMarker('Seite 2 van 2', 2)).toBe(true);
    expect(isPageMarker('Seite für Seite', 2)).toBe(false);
  });

  it('removes a short last line that stands where another page\'s marker stands: the page marker misread past knowing', () => {
    // "- 1 -" read as "Sale" at the foot of a 300 dpi scan; the next page's "-2-" stands 0.2 % lower.
    const pages = [
      ['2. Ausbildung und Ausbildungscoaching', 'Sale'],
      ['ÜSBZ', '-2-'],
    ];
    const at = (middle: number, confidence = 0.45) => ({ middle, height: 0.008, confidence });
    expect(stripPageFurniture(pages, [[at(0.9), at(0.971)], [at(0.1), at(0.973)]])).toEqual([['2. Ausbildung und Ausbildungscoaching'], ['ÜSBZ']]);
    // Higher up than a line's height, it is the page's last word, as is a longer line, one OCR was sure
    // of, and a line of unknown place.
    expect(stripPageFurniture(pages, [[at(0.9), at(0.96)], [at(0.1), at(0.973)]])).toEqual([['2. Ausbildung und Ausbildungscoaching', 'Sale'], ['ÜSBZ']]);
    expect(stripPageFurniture([['Text', 'Sprungbrett'], ['ÜSBZ', '-2-']], [[at(0.9), at(0.971)], [at(0.1), at(0.973)]])).toEqual([['Text', 'Sprungbrett'], ['ÜSBZ']]);
    expect(stripPageFurniture([['Sprungbrett', 'ÜSBZ'], ['Jugendwerkstatt Nord', '-2-']], [[at(0.9), at(0.971, 0.62)], [at(0.1), at(0.973)]])).toEqual([['Sprungbrett', 'ÜSBZ'], ['Jugendwerkstatt Nord']]);
    expect(stripPageFurniture(pages)).toEqual([['2. Ausbildung und Ausbildungscoaching', 'Sale'], ['ÜSBZ']]);
  });

  it('takes a number alone on its line for a page marker only where it could number a page of the document', () => {
    expect(isPageMarker('2', 2)).toBe(true);
    expect(isPageMarker('3', 2)).toBe(false);
    expect(isPageMarker('0', 2)).toBe(false);
    // "§ 3" as OCR reads it: the heading that ends a section stays.
    expect(isPageMarker('83', 2)).toBe(false);
    expect(stripPageFurniture([['Haushaltsmittel', '83', 'Das HMSI stellt', '1'], ['84', 'Ziele', '2']])).toEqual([
      ['Haushaltsmittel', '83', 'Das HMSI stellt'],
      ['84', 'Ziele'],
    ]);
  });

  it('drops the umlaut dots specks put over a short word that has none, and only there', () => {
    expect(withoutStrayUmlauts('des hessischen Ausbildungs- ünd Qualifizierungsbudgets')).toBe('des hessischen Ausbildungs- und Qualifizierungsbudgets');
    expect(withoutStrayUmlauts('vön Menschen zür Integration')).toBe('von Menschen zur Integration');
    expect(withoutStrayUmlauts('ein öder Ort für Gründer')).toBe('ein öder Ort für Gründer');
    expect(withoutStrayUmlauts('Zündung')).toBe('Zündung');
  });

  it('reads a closing bracket before a word as the capital J OCR misread', () => {
    expect(restoreCapitalJ('Kompetenzagentur ] ugend und Beruf')).toBe('Kompetenzagentur Jugend und Beruf');
    expect(restoreCapitalJ(']obBrücke')).toBe('JobBrücke');
    expect(restoreCapitalJ('Kompetenzagentur] ugend und Beruf')).toBe('Kompetenzagentur Jugend und Beruf');
    expect(restoreCapitalJ('Kompetenzagentur]ugend und Beruf')).toBe('Kompetenzagentur Jugend und Beruf');
    // A bracket that closes something stays.
    expect(restoreCapitalJ('nach [1] und [a] bis')).toBe('nach [1] und [a] bis');
    expect(restoreCapitalJ('die Träger [Kreise] und Städte')).toBe('die Träger [Kreise] und Städte');
  });

  it('takes a page marker OCR ran into a line off it, by the document\'s own page count', () => {
    expect(withoutMarkerRunIn('Seite: 1 von 25 Werkstatt Zukunft', 2)).toBe('5 Werkstatt Zukunft');
    expect(withoutMarkerRunIn('Seite 1 von 25 Werkstatt Zukunft', 25)).toBe('Werkstatt Zukunft');
    // A marker alone is left to the page-marker check; a count that is not the document's is no marker.
    expect(withoutMarkerRunIn('Seite 1 von 2', 2)).toBe('Seite 1 von 2');
    expect(withoutMarkerRunIn('Seite 1 von 3 Werkstatt Zukunft', 2)).toBe('Seite 1 von 3 Werkstatt Zukunft');
  });

  it('drops what OCR made of a page number at the foot of a page, and keeps a short line above it', () => {
    const pages = [
      ['Zielvereinbarung 2023', '1. Ausbildungsvorbereitung', 'ÜSBZ', 's 17'],
      ['Sprungbrett', 'Seite 2 von 2'],
    ];
    expect(stripPageFurniture(pages)).toEqual([['Zielvereinbarung 2023', '1. Ausbildungsvorbereitung', 'ÜSBZ'], ['Sprungbrett']]);
  });

  it('drops a page marker OCR garbled past reading at a page\'s top or foot, and keeps a line opening with "Seite" elsewhere', () => {
    const pages = [
      ['Zielvereinbarung 2023', '1. Ausbildungsvorbereitung', 'Seite für Seite gelesen', 'ÜSBZ', "Selte 1.varn' 2"],
      ['Seite Lvom?', 'Sprungbrett', 'Ausbildungslotsen'],
    ];
    expect(stripPageFurniture(pages)).toEqual([
      ['Zielvereinbarung 2023', '1. Ausbildungsvorbereitung', 'Seite für Seite gelesen', 'ÜSBZ'],
      ['Sprungbrett', 'Ausbildungslotsen'],
    ]);
  });

  it('keeps a year standing alone at pages\' edges, which is no running header', () => {
    // The title's year on page 1 and the year of a signature date wrapped to its own line on page 3.
    const pages = [
      ['Zielvereinbarung', '2011', 'zwischen', 'Text eins'],
      ['Text zwei', 'Text drei'],
      ['Wiesbaden, den 4. Januar 2011\tLimburg a. d. Lahn, den 14. Januar', '\t2011', 'Stefan Grüttner\tAnja Günther'],
    ];
    expect(stripPageFurniture(pages)).toEqual(pages);
  });

  it('keeps a single page whole', () => {
    expect(stripPageFurniture([['Zielvereinbarung', 'Text']])).toEqual([['Zielvereinbarung', 'Text']]);
  });
});

describe('repairOcrLine', () => {
  it('applies every repair of OCR_REPAIRS in its order, each to what the one before left', () => {
    expect(OCR_REPAIRS.map((step) => step.name)).toEqual([
      'a page marker run into the line',
      'a capital J read as a closing bracket',
      'specks and stray letters at the edges of cells',
      'stray periods and single quotes',
      'a space lost after a short word',
      'a space lost before a currency',
      'dashes read as hyphens, closing quotes, capitals split from their words',
      'hyphens of a listed name read as dashes',
      'umlaut dots over words that have none',
      'month names misread by one letter',
    ]);
    // The marker goes first, which leaves the speck at the line's start for the junk step.
    expect(repairOcrLine('Seite 2 von 2 | Wiesbaden, den 3. Janwar 2013 ünd Kassel', { pageCount: 2 })).toBe('Wiesbaden, den 3. Januar 2013 und Kassel');
    // The bracket OCR read for a J is a J before the junk step would take it for a speck.
    expect(repairOcrLine('] ugend in Arbeit', { pageCount: 2 })).toBe('Jugend in Arbeit');
    // The dash step takes the hyphens of a name OCR split for dashes; the name's own step puts them back.
    expect(repairOcrLine('des Main- Taunus- Kreises', { pageCount: 2 })).toBe('des Main-Taunus-Kreises');
    // A marker naming another page count is no marker of this document's.
    expect(repairOcrLine('Seite 2 von 5 Werkstatt', { pageCount: 2 })).toBe('Seite 2 von 5 Werkstatt');
  });
});
