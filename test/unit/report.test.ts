import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import MarkdownIt from 'markdown-it';
import { readSheet } from 'read-excel-file/node';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CsvDialect } from '../../shared/report/csv.js';
import type { Report, ReportEntry } from '../../shared/report/model.js';
import { buildReport, renderReport, reportJson } from '../../shared/report/report.js';
import type { AgreementRecord } from '../../shared/schema/record.js';
import { loadFixtures } from '../support/fixtures.js';

const fixtures = loadFixtures();

const renderCsv = async (report: Report, csvDialect: CsvDialect = 'excel-de') => (await renderReport(report, 'csv', { csvDialect })) as string;
const renderHtml = async (report: Report) => (await renderReport(report, 'html')) as string;
const renderMarkdown = async (report: Report) => (await renderReport(report, 'md')) as string;
const renderXlsx = async (report: Report) => (await renderReport(report, 'xlsx')) as Buffer;

/** A fresh copy of a fixture's expected record, safe to edit. */
function fixtureRecord(fileName: string): AgreementRecord {
  const fixture = fixtures.find((candidate) => candidate.expected.fileName === fileName);
  if (!fixture) throw new Error(`no fixture ${fileName}`);
  return structuredClone(fixture.expected);
}

/** A well-formed documentId for a record made up in the test. */
const documentIdOf = (label: string) => `sha256:${createHash('sha256').update(label).digest('hex')}`;

/** Intl's German currency format puts a no-break space before the euro sign. */
const euro = (text: string) => text.replaceAll(' €', '\u00a0€');

/** A valid record's evidence, which the report leaves out. */
const mainTaunus: AgreementRecord = {
  ...fixtureRecord('zielvereinbarung-2025-main-taunus-kreis.pdf'),
  evidence: [{ path: 'agreement.amount', page: 2, box: { left: 0.43, top: 0.75, width: 0.13, height: 0.016 }, source: 'pdf-text', confidence: 1, text: '1.018.910 Euro' }],
};
const fulda = fixtureRecord('zv-2011-landkreis-fulda.pdf');
const offenbach = fixtureRecord('zv-2024-stadt-offenbach-am-main.pdf');
// The fixture with the awkward file name is a second, contradicting Offenbach agreement for 2024.
const offenbachCopy = fixtureRecord('Zielvereinbarung 2024 – Stadt Offenbach (Kopie) äöü #1.PDF');
const kassel = fixtureRecord('zv-2013-stadt-kassel.pdf');
// A scan of the signed digital copy: other bytes, same agreement.
const kasselScan: AgreementRecord = {
  ...fixtureRecord('zv-2013-stadt-kassel.pdf'),
  documentId: documentIdOf('scan-2013-stadt-kassel-unterschrieben.pdf'),
  fileName: 'scan-2013-stadt-kassel-unterschrieben.pdf',
  textSource: 'ocr',
};
const landkreisKasselReview: AgreementRecord = {
  ...fixtureRecord('zv-2020-landkreis-kassel.pdf'),
  documentId: documentIdOf('zv-2020-landkreis-kassel-unscharf.pdf'),
  fileName: 'zv-2020-landkreis-kassel-unscharf.pdf',
  status: 'needs_review',
  textSource: 'ocr',
  issues: [
    { path: 'agreement.signatures[1].name', code: 'signature.name_missing', message: 'Name der Unterzeichnerin des Landkreises nicht lesbar' },
    { path: 'agreement.signatures[1].date', code: 'value.low_confidence', message: 'Datum mit geringer Erkennungssicherheit gelesen' },
    { path: 'document', code: 'ocr.low_confidence', message: 'Seite 2 mit geringer Erkennungssicherheit gelesen' },
  ],
  evidence: [
    { path: 'agreement.amount', page: 2, box: { left: 0.44, top: 0.7, width: 0.12, height: 0.016 }, source: 'tesseract', confidence: 0.93, text: '528.970 Euro' },
    { path: 'agreement.signatures[1].date', page: 2, box: { left: 0.24, top: 0.73, width: 0.1, height: 0.013 }, source: 'tesseract', confidence: 0.41, text: '10.O6.2020' },
  ],
};
const reviewText = 'Zielvereinbarung 2020\nLandkreis Kassel\f528.970 Euro\nKassel, den 10.06.2020';
const empty = fixtureRecord('empty.pdf');
const notPdf = fixtureRecord('not-a-pdf.pdf');

const entries: ReportEntry[] = [
  { record: notPdf, keys: ['incoming/not-a-pdf.pdf'] },
  { record: offenbach, keys: ['incoming/zv-2024-stadt-offenbach-am-main.pdf'] },
  { record: kassel, keys: ['incoming/zv-2013-stadt-kassel.pdf'] },
  { record: mainTaunus, keys: ['incoming/zielvereinbarung-2025-main-taunus-kreis.pdf', 'incoming/nachgereicht/main-taunus-2025.pdf'] },
  { record: landkreisKasselReview, keys: ['incoming/zv-2020-landkreis-kassel-unscharf.pdf'], text: reviewText },
  { record: empty, keys: ['incoming/empty.pdf'] },
  { record: offenbachCopy, keys: ['incoming/Zielvereinbarung 2024 – Stadt Offenbach (Kopie) äöü #1.PDF'] },
  { record: fulda, keys: ['incoming/zv-2011-landkreis-fulda.pdf'] },
  // A scan Textract read four pages of.
  { record: kasselScan, keys: ['incoming/scans/scan-2013-stadt-kassel-unterschrieben.pdf'], textractPages: 4 },
  // Passed twice, as a caller merging two listings might: still one document.
  { record: fulda, keys: ['incoming/zv-2011-landkreis-fulda.pdf'] },
];

const report = buildReport({ batch: 'batch-2025-11', scope: 'Upload November 2025', generatedAt: new Date('2025-11-25T08:30:00Z'), entries });

/** By recipient, year and file name (German collation: "Zielvereinbarung…" before "zv-…"); unreadable documents last. */
const expectedOrder = [fulda, landkreisKasselReview, mainTaunus, kasselScan, kassel, offenbachCopy, offenbach, empty, notPdf];

const CSV_HEADERS = [
  'Datei',
  'Status',
  'Empfänger',
  'Art',
  'Haushaltsjahr',
  'Betrag (EUR)',
  'Betrag laut Dokument',
  'Maßnahmen und Projekte',
  'Projekte',
  'Ort Ministerium',
  'Datum Ministerium',
  'Unterzeichnet (Ministerium)',
  'Ort Empfänger',
  'Datum Empfänger',
  'Unterzeichnet (Empfänger)',
  'Hinweise',
  'Dokument-ID',
  'Hochgeladen als',
];
const column = (header: string) => CSV_HEADERS.indexOf(header);

/**
 * A strict RFC 4180 reader (with `separator` between cells): CRLF line ends, quotes only around whole
 * cells, doubled inside them. It throws on anything else, so that a quoting mistake in the writer cannot
 * be read back as intended.
 */
function parseCsv(text: string, separator = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let index = 0;
  while (index < text.length) {
    const character = text[index]!;
    if (character === '"') {
      if (cell !== '') throw new Error(`quote inside an unquoted cell at ${index}`);
      index++;
      for (;;) {
        if (index >= text.length) throw new Error('unterminated quoted cell');
        if (text[index] === '"') {
          if (text[index + 1] !== '"') break;
          cell += '"';
          index += 2;
        } else {
          cell += text[index++];
        }
      }
      index++;
      if (index < text.length && text[index] !== separator && text[index] !== '\r') throw new Error(`text after a closing quote at ${index}`);
    } else if (character === separator) {
      row.push(cell);
      cell = '';
      index++;
    } else if (character === '\r') {
      if (text[index + 1] !== '\n') throw new Error(`CR without LF at ${index}`);
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      index += 2;
    } else if (character === '\n') {
      throw new Error(`line feed outside quotes at ${index}`);
    } else {
      cell += character;
      index++;
    }
  }
  if (cell !== '' || row.length > 0) throw new Error('last line does not end in CRLF');
  return rows;
}

describe('buildReport', () => {
  it('counts the pages Textract read and estimates their cost at the list price, or at the price given; digital pages cost nothing', () => {
    expect(report.totals.ocr).toEqual({ textractPages: 4, pricePer1000PagesUsd: 1.5, estimatedCostUsd: 0.006 });
    expect(buildReport({ scope: 'priced', generatedAt: new Date(0), entries, textractPricePer1000PagesUsd: 0.6 }).totals.ocr).toEqual({
      textractPages: 4,
      pricePer1000PagesUsd: 0.6,
      estimatedCostUsd: 0.0024,
    });
  });

  it('keeps each document once, ordered by recipient, year and file name, with unreadable documents last', () => {
    expect(report.documents.map((record) => record.fileName)).toEqual(expectedOrder.map((record) => record.fileName));
    // Only the documents under review keep their evidence.
    const { evidence: _evidence, ...mainTaunusWithoutEvidence } = mainTaunus;
    expect(report.documents).toEqual(expectedOrder.map((record) => (record === mainTaunus ? mainTaunusWithoutEvidence : record)));
    expect(report.documents.find((record) => record.documentId === landkreisKasselReview.documentId)?.evidence).toEqual(landkreisKasselReview.evidence);
    expect(report.batch).toBe('batch-2025-11');
    expect(report.scope).toBe('Upload November 2025');
    expect(report.generatedAt).toBe('2025-11-25T08:30:00.000Z');
  });

  it('keeps the object keys of every document', () => {
    expect(report.keys).toEqual({
      [fulda.documentId]: ['incoming/zv-2011-landkreis-fulda.pdf'],
      [landkreisKasselReview.documentId]: ['incoming/zv-2020-landkreis-kassel-unscharf.pdf'],
      [mainTaunus.documentId]: ['incoming/zielvereinbarung-2025-main-taunus-kreis.pdf', 'incoming/nachgereicht/main-taunus-2025.pdf'],
      [kasselScan.documentId]: ['incoming/scans/scan-2013-stadt-kassel-unterschrieben.pdf'],
      [kassel.documentId]: ['incoming/zv-2013-stadt-kassel.pdf'],
      [offenbachCopy.documentId]: ['incoming/Zielvereinbarung 2024 – Stadt Offenbach (Kopie) äöü #1.PDF'],
      [offenbach.documentId]: ['incoming/zv-2024-stadt-offenbach-am-main.pdf'],
      [empty.documentId]: ['incoming/empty.pdf'],
      [notPdf.documentId]: ['incoming/not-a-pdf.pdf'],
    });
  });

  it('counts documents per status and sums only the valid amounts, in total, per year and per recipient', () => {
    const { totals } = report;
    expect(totals.documents).toBe(9);
    expect(totals.byStatus).toEqual({ valid: 6, needs_review: 1, rejected: 2 });
    // 1.031.315 + 1.018.910 + 2 × 3.301.472 + 3.494.457 + 4.321.163 euros; the 528.970 under review is left out.
    expect(totals.amountCents).toBe(1_646_878_900);
    expect(totals.byYear).toEqual({
      '2011': { documents: 1, amountCents: 103_131_500 },
      '2013': { documents: 2, amountCents: 660_294_400 },
      '2020': { documents: 1, amountCents: 0 },
      '2024': { documents: 2, amountCents: 781_562_000 },
      '2025': { documents: 1, amountCents: 101_891_000 },
    });
    expect(totals.byRecipient).toEqual({
      'Landkreis Fulda': { documents: 1, amountCents: 103_131_500 },
      'Landkreis Kassel': { documents: 1, amountCents: 0 },
      'Main-Taunus-Kreis': { documents: 1, amountCents: 101_891_000 },
      'Stadt Kassel': { documents: 2, amountCents: 660_294_400 },
      'Stadt Offenbach am Main': { documents: 2, amountCents: 781_562_000 },
    });
  });

  it('lists every document that is not valid for review, with its issues and the text it was read from', () => {
    expect(report.review).toEqual([
      {
        documentId: landkreisKasselReview.documentId,
        fileName: 'zv-2020-landkreis-kassel-unscharf.pdf',
        status: 'needs_review',
        issues: landkreisKasselReview.issues,
        // The value an issue concerns, with the page and the line of the text it was read from.
        values: [
          { path: 'agreement.signatures[1].date', code: 'value.low_confidence', page: 2, read: '10.O6.2020', line: 'Kassel, den 10.06.2020', source: 'tesseract', confidence: 0.41 },
        ],
        text: reviewText,
      },
      { documentId: empty.documentId, fileName: 'empty.pdf', status: 'rejected', issues: empty.issues, values: [] },
      { documentId: notPdf.documentId, fileName: 'not-a-pdf.pdf', status: 'rejected', issues: notPdf.issues, values: [] },
    ]);
    expect(report.review[2]!.issues.map((issue) => issue.code)).toEqual(['pdf.not_pdf']);
  });

  it('reports agreements for the same recipient and year with different amounts as a conflict, and equal amounts not', () => {
    expect(report.conflicts).toEqual([
      {
        recipient: 'Stadt Offenbach am Main',
        budgetYear: 2024,
        documents: [
          { documentId: offenbachCopy.documentId, fileName: 'Zielvereinbarung 2024 – Stadt Offenbach (Kopie) äöü #1.PDF', status: 'valid', amountCents: 432_116_300 },
          { documentId: offenbach.documentId, fileName: 'zv-2024-stadt-offenbach-am-main.pdf', status: 'valid', amountCents: 349_445_700 },
        ],
      },
    ]);
  });

  it('counts a document under review with an amount differing from a valid one as a conflict, naming its status', () => {
    const misread: AgreementRecord = {
      ...structuredClone(landkreisKasselReview),
      documentId: documentIdOf('zv-2020-landkreis-kassel-misread'),
      agreement: { ...structuredClone(landkreisKasselReview.agreement), amount: { cents: 5_289_700, currency: 'EUR', text: '52.897 Euro' } },
    };
    const original = fixtureRecord('zv-2020-landkreis-kassel.pdf');
    const { conflicts, totals } = buildReport({
      scope: 'Landkreis Kassel',
      generatedAt: new Date('2025-11-25T08:30:00Z'),
      entries: [
        { record: original, keys: ['incoming/a.pdf'] },
        { record: misread, keys: ['incoming/b.pdf'] },
      ],
    });
    expect(conflicts).toEqual([
      {
        recipient: 'Landkreis Kassel',
        budgetYear: 2020,
        documents: [
          { documentId: misread.documentId, fileName: 'zv-2020-landkreis-kassel-unscharf.pdf', status: 'needs_review', amountCents: 5_289_700 },
          { documentId: original.documentId, fileName: 'zv-2020-landkreis-kassel.pdf', status: 'valid', amountCents: 52_897_000 },
        ],
      },
    ]);
    expect(totals.byRecipient).toEqual({ 'Landkreis Kassel': { documents: 2, amountCents: 52_897_000 } });
  });

  it('reports the same bytes under several keys, and different files with the same agreement, as duplicates', () => {
    expect(report.duplicates).toEqual([
      {
        kind: 'same-file',
        documents: [
          {
            documentId: mainTaunus.documentId,
            fileName: 'zielvereinbarung-2025-main-taunus-kreis.pdf',
            keys: ['incoming/zielvereinbarung-2025-main-taunus-kreis.pdf', 'incoming/nachgereicht/main-taunus-2025.pdf'],
          },
        ],
      },
      {
        kind: 'same-agreement',
        documents: [
          { documentId: kasselScan.documentId, fileName: 'scan-2013-stadt-kassel-unterschrieben.pdf', keys: ['incoming/scans/scan-2013-stadt-kassel-unterschrieben.pdf'] },
          { documentId: kassel.documentId, fileName: 'zv-2013-stadt-kassel.pdf', keys: ['incoming/zv-2013-stadt-kassel.pdf'] },
        ],
      },
    ]);
  });

  it('serialises to JSON that reads back as the same report', async () => {
    const json = reportJson(report);
    expect(json.endsWith('}\n')).toBe(true);
    expect(JSON.parse(json)).toEqual(report);
    await expect(renderReport(report, 'json')).resolves.toBe(json);
  });
});

describe('CSV, RFC 4180', () => {
  let csv: string;
  beforeAll(async () => {
    csv = await renderCsv(report, 'rfc4180');
  });
  // Read inside each test, so that a file the strict reader refuses fails those tests, not the whole file.
  const readRows = () => parseCsv(csv.slice(1));

  it('starts with a byte-order mark and the header, and ends every line in CRLF', () => {
    const rows = readRows();
    expect(csv.startsWith('\uFEFFDatei,Status,Empfänger,Art,Haushaltsjahr,Betrag (EUR),Betrag laut Dokument,')).toBe(true);
    expect(rows[0]).toEqual(CSV_HEADERS);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replaceAll('\r\n', '')).not.toContain('\r');
  });

  it('has one row per document, in the report order, with file, status, recipient, year and amount of its record', () => {
    const rows = readRows();
    expect(rows).toHaveLength(1 + expectedOrder.length);
    expectedOrder.forEach((record, index) => {
      const row = rows[index + 1]!;
      expect(row).toHaveLength(CSV_HEADERS.length);
      expect(row[column('Datei')]).toBe(record.fileName);
      expect(row[column('Status')]).toBe({ valid: 'gültig', needs_review: 'zu prüfen', rejected: 'abgewiesen' }[record.status]);
      expect(row[column('Empfänger')]).toBe(record.agreement.parties?.find((party) => party.role === 'recipient')?.name ?? '');
      expect(row[column('Haushaltsjahr')]).toBe(record.agreement.budgetYear === undefined ? '' : String(record.agreement.budgetYear));
      expect(row[column('Betrag (EUR)')]).toBe(record.agreement.amount ? String(record.agreement.amount.cents / 100) : '');
      expect(row[column('Dokument-ID')]).toBe(record.documentId);
    });
  });

  it('writes every field of a valid document, the measures one per line', () => {
    const rows = readRows();
    expect(rows[3]).toEqual([
      'zielvereinbarung-2025-main-taunus-kreis.pdf',
      'gültig',
      'Main-Taunus-Kreis',
      'Landkreis',
      '2025',
      '1018910',
      '1.018.910 Euro',
      [
        '1. Ausbildungsvorbereitung: ÜSBZ; EASY – Entwicklung Ausbildung Soziale Teilhabe You',
        '2. Ausbildung und Ausbildungscoaching in anerkannten Ausbildungsberufen',
        '3. Qualifizierungsprojekte zur Arbeitsmarktintegration, Fachkräftesicherung: Zukunftskompass',
        '4. Weiterbildungsmaßnahmen für Personal der Landkreise und kreisfreien Städte in der fachlichen Verantwortung für Benachteiligte im Kontext der Arbeitsmarktförderung',
      ].join('\n'),
      '3',
      'Wiesbaden',
      '2025-08-02',
      'Heike Hofmann (Staatsministerin)',
      'Hofheim',
      '2025-08-18',
      'Johannes Baron (Kreisbeigeordneter)',
      '',
      mainTaunus.documentId,
      'incoming/zielvereinbarung-2025-main-taunus-kreis.pdf\nincoming/nachgereicht/main-taunus-2025.pdf',
    ]);
  });

  it('writes a document under review with its issues, and a rejected one with only file, status, issue and keys', () => {
    const rows = readRows();
    expect(rows[2]![column('Status')]).toBe('zu prüfen');
    expect(rows[2]![column('Hinweise')]).toBe(
      'signature.name_missing: Name der Unterzeichnerin des Landkreises nicht lesbar\nvalue.low_confidence: Datum mit geringer Erkennungssicherheit gelesen\nocr.low_confidence: Seite 2 mit geringer Erkennungssicherheit gelesen',
    );
    expect(rows[8]).toEqual(['empty.pdf', 'abgewiesen', '', '', '', '', '', '', '', '', '', '', '', '', '', `pdf.empty: ${empty.issues[0]!.message}`, empty.documentId, 'incoming/empty.pdf']);
  });

  it('quotes cells with commas, quotes and line breaks as RFC 4180 says, and leaves the others bare', async () => {
    expect(csv).toContain('\r\nzv-2013-stadt-kassel.pdf,gültig,Stadt Kassel,kreisfreie Stadt,2013,3301472,"3.301.472,- Euro","1. Qualifizierungsprojekte zur Arbeitsmarktintegration, Fachkräftesicherung: ');
    const odd: AgreementRecord = {
      documentId: documentIdOf('odd'),
      fileName: 'Vertrag "final", Kopie.pdf',
      status: 'rejected',
      textSource: 'pdf-text',
      pages: 0,
      agreement: {},
      issues: [{ path: 'document', code: 'pdf.not_pdf', message: 'Kein PDF, sondern Text:\r\nZeile 1\nZeile 2' }],
    };
    const oddCsv = await renderCsv(buildReport({ scope: 'odd', generatedAt: new Date(0), entries: [{ record: odd, keys: ['incoming/a,b.pdf'] }] }), 'rfc4180');
    expect(oddCsv.split('\r\n')[1]).toBe('"Vertrag ""final"", Kopie.pdf",abgewiesen,,,,,,,,,,,,,,"pdf.not_pdf: Kein PDF, sondern Text:');
    expect(oddCsv).toContain(`"pdf.not_pdf: Kein PDF, sondern Text:\r\nZeile 1\nZeile 2",${odd.documentId},"incoming/a,b.pdf"\r\n`);
    expect(parseCsv(oddCsv.slice(1))[1]).toEqual([
      'Vertrag "final", Kopie.pdf',
      'abgewiesen',
      ...Array<string>(13).fill(''),
      'pdf.not_pdf: Kein PDF, sondern Text:\r\nZeile 1\nZeile 2',
      odd.documentId,
      'incoming/a,b.pdf',
    ]);
  });

  it('prefixes cells that start with = + - @ with an apostrophe, so that no spreadsheet runs them as formulas', async () => {
    const named = (fileName: string): ReportEntry => ({
      record: { documentId: documentIdOf(fileName), fileName, status: 'rejected', textSource: 'pdf-text', pages: 0, agreement: {}, issues: [] },
      keys: [`incoming/${fileName}`],
    });
    const fileNames = ['=HYPERLINK("http://example.com","klick").pdf', '+49 Kopie.pdf', '-Entwurf.pdf', '@SUMME(A1).pdf', 'harmlos=+-@.pdf'];
    const injectionCsv = await renderCsv(buildReport({ scope: 'injection', generatedAt: new Date(0), entries: fileNames.map(named) }), 'rfc4180');
    const fileColumn = parseCsv(injectionCsv.slice(1))
      .slice(1)
      .map((row) => row[0]);
    // In the report's order: German collation sorts - @ + = in this order, before letters.
    expect(fileColumn).toEqual(["'-Entwurf.pdf", "'@SUMME(A1).pdf", "'+49 Kopie.pdf", "'=HYPERLINK(\"http://example.com\",\"klick\").pdf", 'harmlos=+-@.pdf']);
    expect(injectionCsv).toContain('\r\n"\'=HYPERLINK(""http://example.com"",""klick"").pdf",abgewiesen,');
    expect(injectionCsv).toContain("\r\n'-Entwurf.pdf,abgewiesen,");
  });
});

describe('CSV for German Excel (the default)', () => {
  const withCents: AgreementRecord = {
    ...structuredClone(fulda),
    documentId: documentIdOf('cents'),
    fileName: 'Fulda; Nachtrag.pdf',
    agreement: { ...structuredClone(fulda.agreement), amount: { cents: 379_253_411, currency: 'EUR', text: '3.792.534,11 Euro' } },
  };
  let csv: string;
  beforeAll(async () => {
    csv = await renderCsv(buildReport({ scope: 'Excel', generatedAt: new Date(0), entries: [{ record: withCents, keys: [] }, { record: kassel, keys: [] }] }));
  });

  it('is what renderReport writes unless another dialect is asked for', async () => {
    expect(await renderReport(report, 'csv')).toBe(await renderCsv(report, 'excel-de'));
    expect(await renderReport(report, 'csv', { csvDialect: 'rfc4180' })).toBe(await renderCsv(report, 'rfc4180'));
    expect(await renderCsv(report, 'excel-de')).not.toBe(await renderCsv(report, 'rfc4180'));
  });

  it('separates cells with semicolons, keeps the byte-order mark and CRLF, and writes amounts with a decimal comma', () => {
    expect(csv.startsWith('\uFEFFDatei;Status;Empfänger;Art;Haushaltsjahr;Betrag (EUR);Betrag laut Dokument;')).toBe(true);
    const rows = parseCsv(csv.slice(1), ';');
    expect(rows[0]).toEqual(CSV_HEADERS);
    expect(rows[1]!.slice(0, 7)).toEqual(['Fulda; Nachtrag.pdf', 'gültig', 'Landkreis Fulda', 'Landkreis', '2011', '3792534,11', '3.792.534,11 Euro']);
    expect(rows[2]!.slice(0, 7)).toEqual(['zv-2013-stadt-kassel.pdf', 'gültig', 'Stadt Kassel', 'kreisfreie Stadt', '2013', '3301472', '3.301.472,- Euro']);
  });

  it('quotes cells with a semicolon, a quote or a line break, and leaves commas bare', () => {
    expect(csv).toContain('\r\n"Fulda; Nachtrag.pdf";gültig;Landkreis Fulda;Landkreis;2011;3792534,11;3.792.534,11 Euro;');
    expect(csv).toContain('\r\nzv-2013-stadt-kassel.pdf;gültig;Stadt Kassel;kreisfreie Stadt;2013;3301472;3.301.472,- Euro;"1. Qualifizierungsprojekte zur Arbeitsmarktintegration, Fachkräftesicherung: ');
  });
});

describe('Markdown', () => {
  let markdown: string;
  let lines: string[];
  beforeAll(async () => {
    markdown = await renderMarkdown(report);
    lines = markdown.split('\n');
  });
  /** The cells of a table line, split at the pipes that are not escaped. */
  const cellsOf = (line: string) =>
    line
      .slice(2, -2)
      .split(/ (?<!\\)\| /)
      .map((cell) => cell);

  it('has the heading, the batch and the totals with German amounts', () => {
    expect(lines[0]).toBe('# Extraktionsbericht: Upload November 2025');
    expect(markdown).toContain('\n\nErstellt 2025-11-25T08:30:00.000Z · Batch `batch-2025-11`\n\n');
    expect(markdown).toContain(
      euro('\n\n9 Dokumente: 6 gültig, 1 zu prüfen, 2 abgewiesen. Summe der gültigen Beträge: 16.468.789,00 €. 4 Seiten per OCR (Textract) gelesen, geschätzte Kosten 0,006 US-$ (1,50 US-$ je 1.000 Seiten).\n\n'),
    );
  });

  it('has the totals per year and per recipient as tables', () => {
    expect(markdown).toContain(
      euro(
        [
          '## Je Haushaltsjahr',
          '',
          '| Haushaltsjahr | Dokumente | Summe (gültig) |',
          '| --- | --- | --- |',
          '| 2011 | 1 | 1.031.315,00 € |',
          '| 2013 | 2 | 6.602.944,00 € |',
          '| 2020 | 1 | 0,00 € |',
          '| 2024 | 2 | 7.815.620,00 € |',
          '| 2025 | 1 | 1.018.910,00 € |',
          '',
          '## Je Empfänger',
          '',
          '| Empfänger | Dokumente | Summe (gültig) |',
          '| --- | --- | --- |',
          '| Landkreis Fulda | 1 | 1.031.315,00 € |',
          '| Landkreis Kassel | 1 | 0,00 € |',
          '| Main-Taunus-Kreis | 1 | 1.018.910,00 € |',
          '| Stadt Kassel | 2 | 6.602.944,00 € |',
          '| Stadt Offenbach am Main | 2 | 7.815.620,00 € |',
        ].join('\n'),
      ),
    );
  });

  it('has one table row per document with the CSV columns except ID and keys, line breaks as <br>', () => {
    const start = lines.indexOf('## Dokumente') + 2;
    expect(cellsOf(lines[start]!)).toEqual(CSV_HEADERS.slice(0, -2));
    expect(lines[start + 1]).toBe(`| ${Array<string>(16).fill('---').join(' | ')} |`);
    const documentLines = lines.slice(start + 2, start + 2 + expectedOrder.length);
    expect(lines[start + 2 + expectedOrder.length]).toBe('');
    expect(documentLines.map((line) => cellsOf(line)[0])).toEqual(expectedOrder.map((record) => record.fileName));
    expect(cellsOf(documentLines[2]!)).toEqual([
      'zielvereinbarung-2025-main-taunus-kreis.pdf',
      'gültig',
      'Main-Taunus-Kreis',
      'Landkreis',
      '2025',
      euro('1.018.910,00 €'),
      '1.018.910 Euro',
      '1. Ausbildungsvorbereitung: ÜSBZ; EASY – Entwicklung Ausbildung Soziale Teilhabe You<br>2. Ausbildung und Ausbildungscoaching in anerkannten Ausbildungsberufen<br>3. Qualifizierungsprojekte zur Arbeitsmarktintegration, Fachkräftesicherung: Zukunftskompass<br>4. Weiterbildungsmaßnahmen für Personal der Landkreise und kreisfreien Städte in der fachlichen Verantwortung für Benachteiligte im Kontext der Arbeitsmarktförderung',
      '3',
      'Wiesbaden',
      '2025-08-02',
      'Heike Hofmann (Staatsministerin)',
      'Hofheim',
      '2025-08-18',
      'Johannes Baron (Kreisbeigeordneter)',
      '',
    ]);
    for (const line of documentLines) expect(cellsOf(line)).toHaveLength(16);
  });

  it('escapes pipes inside cells so that they do not split the table', async () => {
    const piped: AgreementRecord = { ...structuredClone(fulda), documentId: documentIdOf('piped'), fileName: 'Fulda | Kopie |.pdf' };
    const pipedMarkdown = await renderMarkdown(buildReport({ scope: 'pipes', generatedAt: new Date(0), entries: [{ record: piped, keys: [] }] }));
    const row = pipedMarkdown.split('\n').find((line) => line.startsWith('| Fulda'));
    expect(row?.startsWith('| Fulda \\| Kopie \\|.pdf | gültig | Landkreis Fulda | Landkreis | 2011 | ')).toBe(true);
    expect(cellsOf(row!)).toHaveLength(16);
    expect(cellsOf(row!)[0]).toBe('Fulda \\| Kopie \\|.pdf');
  });

  it('escapes angle brackets and ampersands, which Markdown renderers would take for HTML', async () => {
    const tagged: AgreementRecord = { ...structuredClone(fulda), documentId: documentIdOf('tagged'), fileName: 'Vertrag <Entwurf> & Anlage.pdf' };
    const taggedMarkdown = await renderMarkdown(buildReport({ scope: 'tags', generatedAt: new Date(0), entries: [{ record: tagged, keys: [] }] }));
    const row = taggedMarkdown.split('\n').find((line) => line.startsWith('| Vertrag'));
    expect(cellsOf(row!)[0]).toBe('Vertrag &lt;Entwurf&gt; &amp; Anlage.pdf');
    expect(taggedMarkdown).not.toContain('<Entwurf>');
  });

  it('lists the documents to review with their issue codes, the conflicts and the duplicates', () => {
    expect(markdown).toContain(
      [
        '## Zu prüfen',
        '',
        '- **zv-2020-landkreis-kassel-unscharf.pdf** (zu prüfen)',
        '  - `signature.name_missing` Name der Unterzeichnerin des Landkreises nicht lesbar',
        '  - `value.low_confidence` Datum mit geringer Erkennungssicherheit gelesen',
        '    - `agreement.signatures[1].date`: Seite 2, Zeile „Kassel, den 10.06.2020“ (gelesen „10.O6.2020“, Texterkennung 41 %)',
        '  - `ocr.low_confidence` Seite 2 mit geringer Erkennungssicherheit gelesen',
        '- **empty.pdf** (abgewiesen)',
        `  - \`pdf.empty\` ${empty.issues[0]!.message}`,
        '- **not-a-pdf.pdf** (abgewiesen)',
      ].join('\n'),
    );
    expect(markdown).toContain(
      euro('## Widersprüche\n\n- Stadt Offenbach am Main 2024: Zielvereinbarung 2024 – Stadt Offenbach (Kopie) äöü #1.PDF 4.321.163,00 € · zv-2024-stadt-offenbach-am-main.pdf 3.494.457,00 €\n'),
    );
    expect(markdown).toContain(
      [
        '## Duplikate',
        '',
        '- same-file: zielvereinbarung-2025-main-taunus-kreis.pdf (incoming/zielvereinbarung-2025-main-taunus-kreis.pdf, incoming/nachgereicht/main-taunus-2025.pdf)',
        '- same-agreement: scan-2013-stadt-kassel-unterschrieben.pdf (incoming/scans/scan-2013-stadt-kassel-unterschrieben.pdf) · zv-2013-stadt-kassel.pdf (incoming/zv-2013-stadt-kassel.pdf)',
        '',
      ].join('\n'),
    );
    expect(markdown.endsWith('\n')).toBe(true);
  });
});

describe('XLSX', () => {
  const load = async (buffer: Buffer) => {
    const workbook = new ExcelJS.Workbook();
    // exceljs types its input as an ArrayBuffer; a copy of the bytes is one.
    await workbook.xlsx.load(new Uint8Array(buffer).buffer);
    return workbook;
  };
  /** The values of a row's first `count` cells; empty cells as null. */
  const rowValues = (worksheet: ExcelJS.Worksheet, rowNumber: number, count: number) =>
    Array.from({ length: count }, (_, index) => worksheet.getRow(rowNumber).getCell(index + 1).value ?? null);
  const NUMERIC_COLUMNS = ['Haushaltsjahr', 'Betrag (EUR)', 'Projekte'];
  const DATE_COLUMNS = ['Datum Ministerium', 'Datum Empfänger'];

  it('has the sheets documents, measures, totals, review, conflicts and duplicates', async () => {
    const workbook = await load(await renderXlsx(report));
    expect(workbook.worksheets.map((worksheet) => worksheet.name)).toEqual(['Dokumente', 'Maßnahmen', 'Summen', 'Zu prüfen', 'Widersprüche', 'Duplikate']);
  });

  it('has one documents row per document with the values of the CSV row, numbers as numbers', async () => {
    const workbook = await load(await renderXlsx(report));
    const documents = workbook.getWorksheet('Dokumente')!;
    expect(rowValues(documents, 1, CSV_HEADERS.length)).toEqual(CSV_HEADERS);
    expect(documents.rowCount).toBe(1 + expectedOrder.length);
    const csvRows = parseCsv((await renderCsv(report, 'rfc4180')).slice(1));
    for (let rowNumber = 2; rowNumber <= documents.rowCount; rowNumber++) {
      const expected = csvRows[rowNumber - 1]!.map((cell, index) => {
        if (cell === '') return null;
        if (DATE_COLUMNS.includes(CSV_HEADERS[index]!)) return new Date(`${cell}T00:00:00Z`);
        return NUMERIC_COLUMNS.includes(CSV_HEADERS[index]!) ? Number(cell) : cell;
      });
      expect(rowValues(documents, rowNumber, CSV_HEADERS.length)).toEqual(expected);
    }
    const amount = documents.getRow(4).getCell(column('Betrag (EUR)') + 1);
    expect(amount.value).toBe(1_018_910);
    expect(amount.type).toBe(ExcelJS.ValueType.Number);
    expect(amount.numFmt).toBe('#,##0.00 "€"');
    expect(documents.getRow(4).getCell(column('Haushaltsjahr') + 1).type).toBe(ExcelJS.ValueType.Number);
  });

  it('writes signature dates as dates in German notation, as a reader other than exceljs sees them', async () => {
    const buffer = await renderXlsx(report);
    const rows = await readSheet(buffer, 'Dokumente');
    expect(rows[0]).toEqual(CSV_HEADERS);
    const mainTaunusRow = rows.find((row) => row[0] === 'zielvereinbarung-2025-main-taunus-kreis.pdf')!;
    expect(mainTaunusRow[column('Datum Ministerium')]).toEqual(new Date('2025-08-02T00:00:00Z'));
    expect(mainTaunusRow[column('Datum Empfänger')]).toEqual(new Date('2025-08-18T00:00:00Z'));
    expect(mainTaunusRow[column('Betrag (EUR)')]).toBe(1_018_910);
    expect(mainTaunusRow[column('Haushaltsjahr')]).toBe(2025);
    const emptyRow = rows.find((row) => row[0] === 'empty.pdf')!;
    expect(emptyRow[column('Datum Ministerium')]).toBeNull();
    const workbook = await load(buffer);
    const date = workbook.getWorksheet('Dokumente')!.getRow(4).getCell(column('Datum Ministerium') + 1);
    expect(date.type).toBe(ExcelJS.ValueType.Date);
    expect(date.numFmt).toBe('DD.MM.YYYY');
  });

  it('stores text that looks like a formula as text, not as a formula', async () => {
    const fileName = '=HYPERLINK("http://example.com","klick").pdf';
    const record: AgreementRecord = { documentId: documentIdOf(fileName), fileName, status: 'rejected', textSource: 'pdf-text', pages: 0, agreement: {}, issues: [] };
    const workbook = await load(await renderXlsx(buildReport({ scope: 'injection', generatedAt: new Date(0), entries: [{ record, keys: [] }] })));
    const cell = workbook.getWorksheet('Dokumente')!.getRow(2).getCell(1);
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(cell.value).toBe(fileName);
    expect(cell.formula).toBeUndefined();
  });

  it('has the measures one row per project, the totals, the review issues, conflicts and duplicates', async () => {
    const workbook = await load(await renderXlsx(report));
    const measures = workbook.getWorksheet('Maßnahmen')!;
    expect(rowValues(measures, 1, 6)).toEqual(['Datei', 'Empfänger', 'Haushaltsjahr', 'Nr.', 'Maßnahme', 'Projekt']);
    const mainTaunusRows = measures.getRows(2, measures.rowCount - 1)!.filter((row) => row.getCell(1).value === 'zielvereinbarung-2025-main-taunus-kreis.pdf');
    expect(mainTaunusRows.map((row) => [row.getCell(4).value, row.getCell(6).value ?? null])).toEqual([
      [1, 'ÜSBZ'],
      [1, 'EASY – Entwicklung Ausbildung Soziale Teilhabe You'],
      [2, null],
      [3, 'Zukunftskompass'],
      [4, null],
    ]);

    const totals = workbook.getWorksheet('Summen')!;
    expect(rowValues(totals, 2, 4)).toEqual(['gesamt', 'alle Dokumente', 9, 16_468_789]);
    expect(rowValues(totals, 3, 4)).toEqual(['Status', 'gültig', 6, null]);
    expect(rowValues(totals, 4, 4)).toEqual(['Status', 'zu prüfen', 1, null]);
    expect(rowValues(totals, 5, 4)).toEqual(['Status', 'abgewiesen', 2, null]);
    expect(rowValues(totals, 6, 4)).toEqual(['Haushaltsjahr', 2011, 1, 1_031_315]);

    const review = workbook.getWorksheet('Zu prüfen')!;
    expect(review.rowCount).toBe(1 + 5);
    expect(rowValues(review, 2, 5)).toEqual([
      'zv-2020-landkreis-kassel-unscharf.pdf',
      'zu prüfen',
      'agreement.signatures[1].name',
      'signature.name_missing',
      'Name der Unterzeichnerin des Landkreises nicht lesbar',
    ]);
    // A value under review: where it was read.
    expect(rowValues(review, 3, 7)).toEqual([
      'zv-2020-landkreis-kassel-unscharf.pdf',
      'zu prüfen',
      'agreement.signatures[1].date',
      'value.low_confidence',
      'Datum mit geringer Erkennungssicherheit gelesen',
      'agreement.signatures[1].date',
      'Seite 2, Zeile „Kassel, den 10.06.2020“ (gelesen „10.O6.2020“, Texterkennung 41 %)',
    ]);

    const conflicts = workbook.getWorksheet('Widersprüche')!;
    expect(rowValues(conflicts, 2, 4)).toEqual(['Stadt Offenbach am Main', 2024, 'Zielvereinbarung 2024 – Stadt Offenbach (Kopie) äöü #1.PDF', 4_321_163]);
    expect(rowValues(conflicts, 3, 4)).toEqual(['Stadt Offenbach am Main', 2024, 'zv-2024-stadt-offenbach-am-main.pdf', 3_494_457]);
    expect(conflicts.rowCount).toBe(3);

    const duplicates = workbook.getWorksheet('Duplikate')!;
    expect(rowValues(duplicates, 2, 3)).toEqual([
      'same-file',
      'zielvereinbarung-2025-main-taunus-kreis.pdf',
      'incoming/zielvereinbarung-2025-main-taunus-kreis.pdf\nincoming/nachgereicht/main-taunus-2025.pdf',
    ]);
    expect(rowValues(duplicates, 3, 3)).toEqual(['same-agreement', 'scan-2013-stadt-kassel-unterschrieben.pdf', 'incoming/scans/scan-2013-stadt-kassel-unterschrieben.pdf']);
    expect(rowValues(duplicates, 4, 3)).toEqual(['same-agreement', 'zv-2013-stadt-kassel.pdf', 'incoming/zv-2013-stadt-kassel.pdf']);
    expect(duplicates.rowCount).toBe(4);
  });
});

describe('HTML', () => {
  it('shows the pages Textract read and their estimated cost in the summary', async () => {
    const html = await renderHtml(report);
    expect(html).toContain('<tr><th>Seiten per OCR (Textract) gelesen</th><td class="number" id="ocr-pages">4</td></tr>');
    expect(html).toContain('<tr><th>geschätzte Textract-Kosten (1,50 US-$ je 1.000 Seiten)</th><td class="number" id="ocr-cost">0,006 US-$</td></tr>');
  });

  it('declares a Content Security Policy that allows no scripts and nothing from outside the page', async () => {
    const html = await renderHtml(report);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<style>'));
    expect(html).not.toMatch(/<script|<link|<img|src="http|url\(/i);
  });

  it('escapes markup in everything taken from documents, uploads and the caller', async () => {
    const hostile = '<script>alert("x")</script>';
    const record: AgreementRecord = {
      ...structuredClone(mainTaunus),
      documentId: documentIdOf('hostile'),
      fileName: `${hostile}.pdf`,
      status: 'needs_review',
      agreement: {
        ...structuredClone(mainTaunus.agreement),
        parties: [
          { role: 'funder', name: 'HMSI' },
          { role: 'recipient', name: `Kreis ${hostile}`, kind: 'landkreis' },
        ],
        amount: { cents: 100, currency: 'EUR', text: hostile },
        measures: [{ number: 1, title: hostile, projects: [hostile] }],
        signatures: [{ party: 'funder', place: hostile, date: '2025-08-02', name: hostile, title: hostile }],
      },
      issues: [{ path: hostile, code: hostile, message: hostile }],
    };
    const valid: AgreementRecord = { ...structuredClone(record), documentId: documentIdOf('hostile valid'), status: 'valid', issues: [] };
    const html = await renderHtml(
      buildReport({
        batch: hostile,
        scope: hostile,
        generatedAt: new Date('2025-11-25T08:30:00Z'),
        entries: [
          { record, keys: [`incoming/${hostile}.pdf`, 'incoming/b.pdf'], text: `${hostile}\f${hostile}` },
          { record: valid, keys: ['incoming/c.pdf'] },
        ],
      }),
    );
    expect(html).not.toMatch(/<\/?script/i);
    expect(html).toContain('<td class="fileName">&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;.pdf</td>');
    expect(html).toContain('<title>Extraktionsbericht: &#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;</title>');
    // The chart label comes from the recipient's name and is escaped for SVG too.
    expect(html).toContain('text-anchor="end" font-size="12">Kreis &#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;</text>');
  });

  it('shows the totals, one documents row per document, and the review items with their text', async () => {
    const html = await renderHtml(report);
    expect(html).toContain('<title>Extraktionsbericht: Upload November 2025</title>');
    expect(html).toContain('<tr><th>Dokumente</th><td class="number">9</td></tr>');
    expect(html).toContain(euro('<tr><th>Summe der gültigen Beträge</th><td class="number">16.468.789,00 €</td></tr>'));
    expect(html).toContain('<tr><th>Widersprüche / Duplikate</th><td class="number">1 / 2</td></tr>');
    expect(html.match(/<tr class="(valid|needs_review|rejected)" data-document-id="/g)).toHaveLength(9);
    expect(html.match(/<rect class="bar"/g)).toHaveLength(4);
    // Place, date and signatory of each party share one cell.
    expect(html).toContain(
      '<td class="signature-funder">Wiesbaden, <time datetime="2025-08-02">2025-08-02</time><br>Heike Hofmann (Staatsministerin)</td><td class="signature-recipient">Hofheim, <time datetime="2025-08-18">2025-08-18</time><br>Johannes Baron (Kreisbeigeordneter)</td>',
    );
    expect(html).toContain(`<tr class="rejected" data-document-id="${empty.documentId}"><td class="fileName">empty.pdf</td><td class="status">abgewiesen</td><td class="recipient"></td>`);
    expect(html).toContain(`<div class="review-item needs_review" data-document-id="${landkreisKasselReview.documentId}"><h3>zv-2020-landkreis-kassel-unscharf.pdf — zu prüfen</h3>`);
    // The value under review, with the page and line it was read from.
    expect(html).toContain(
      '<li><code>agreement.signatures[1].date</code> · <code>value.low_confidence</code>: Datum mit geringer Erkennungssicherheit gelesen<ul class="values"><li><code>agreement.signatures[1].date</code>: Seite 2, Zeile „Kassel, den 10.06.2020“ (gelesen „10.O6.2020“, Texterkennung 41 %)</li></ul></li>',
    );
    expect(html).toContain('<summary>Gelesener Text (2 Seiten)</summary><pre class="source">--- Seite 1 ---\nZielvereinbarung 2020\nLandkreis Kassel\n\n--- Seite 2 ---\n528.970 Euro\nKassel, den 10.06.2020</pre>');
  });
});

describe('every format, with hostile text from documents, uploads and the caller', () => {
  const strings = [
    '<img src=x onerror=alert(1)>',
    '<script>alert("x")</script>',
    '[klick](javascript:alert(1))',
    '![bild](http://example.com/x.png)',
    '**fett** _kursiv_ `code` ~~weg~~',
    '=HYPERLINK("http://example.com","klick")',
    'Zeile 1\n# Überschrift\n| a | b |',
    '&lt;b&gt; &amp;',
  ];
  const hostileRecord = (text: string, index: number): AgreementRecord => ({
    ...structuredClone(mainTaunus),
    documentId: documentIdOf(`hostile ${index}`),
    fileName: `${text}.pdf`,
    status: 'needs_review',
    agreement: {
      ...structuredClone(mainTaunus.agreement),
      title: text,
      parties: [
        { role: 'funder', name: text },
        { role: 'recipient', name: `Kreis ${text}`, kind: 'landkreis' },
      ],
      amount: { cents: 100 + index, currency: 'EUR', text },
      measures: [{ number: 1, title: text, projects: [text, `Projekt ${text}`] }],
      signatures: [{ party: 'funder', place: text, date: '2025-08-02', name: text, title: text }],
    },
    issues: [{ path: text, code: text, message: text }],
  });
  const records = strings.map(hostileRecord);
  const hostileReport = buildReport({
    batch: strings[0]!,
    scope: strings[2]!,
    generatedAt: new Date('2025-11-25T08:30:00Z'),
    entries: records.map((record, index) => ({ record, keys: [`incoming/${strings[index]}.pdf`, `incoming/kopie-${index}.pdf`], text: strings[index] })),
  });

  it('HTML: no element, attribute or link comes from the text', async () => {
    const html = await renderHtml(hostileReport);
    expect(html).not.toMatch(/<img|<script|<a[ >]|href=|<em>|<[^>]*onerror/i);
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
  });

  it('Markdown: a Markdown renderer makes no element from the text, and shows it as written', async () => {
    const markdown = await renderMarkdown(hostileReport);
    const html = new MarkdownIt({ html: true, linkify: false }).render(markdown);
    expect(html).not.toMatch(/<img|<script|<a[ >]|<em>|<s>|<del>|<[^>]*onerror/i);
    // The only elements are the report's own: its headings, tables, lists and code spans for codes and the batch.
    expect(new Set(html.match(/<[a-z0-9]+/g))).toEqual(new Set(['<h1', '<p', '<h2', '<table', '<thead', '<tr', '<th', '<tbody', '<td', '<br', '<ul', '<li', '<strong', '<code']));
    expect(html.match(/<h2/g)).toHaveLength(6);
    expect(html.match(/<h1/g)).toHaveLength(1);
    // <strong> only around the file names of the review list, which markdown-it renders as plain text.
    expect(html.match(/<strong>/g)).toHaveLength(strings.length);
    const text = html.replace(/<[^>]+>/g, '').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&amp;', '&');
    for (const string of strings) expect(text).toContain(string.replaceAll('\n', ' '));
  });

  it('CSV, in both dialects: the text reads back as written, formulas prefixed with an apostrophe', async () => {
    for (const [dialect, separator] of [['excel-de', ';'], ['rfc4180', ',']] as const) {
      const rows = parseCsv((await renderCsv(hostileReport, dialect)).slice(1), separator);
      const fileNames = rows.slice(1).map((row) => row[column('Datei')]);
      expect(fileNames.sort()).toEqual(strings.map((string) => (/^[=+\-@]/.test(string) ? `'${string}.pdf` : `${string}.pdf`)).sort());
    }
  });

  it('XLSX: every text is a string cell, never a formula', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(new Uint8Array(await renderXlsx(hostileReport)).buffer);
    let cells = 0;
    for (const worksheet of workbook.worksheets) {
      worksheet.eachRow((row) =>
        row.eachCell((cell) => {
          cells++;
          expect(cell.formula).toBeUndefined();
          expect([ExcelJS.ValueType.String, ExcelJS.ValueType.Number, ExcelJS.ValueType.Date]).toContain(cell.type);
        }),
      );
    }
    expect(cells).toBeGreaterThan(strings.length * 20);
    const fileNames = (await readSheet(await renderXlsx(hostileReport), 'Dokumente')).slice(1).map((row) => row[0]);
    expect(fileNames.sort()).toEqual(strings.map((string) => `${string}.pdf`).sort());
  });

  it('JSON: the text is data and reads back as written', () => {
    expect(JSON.parse(reportJson(hostileReport)).documents.map((record: AgreementRecord) => record.agreement.title).sort()).toEqual([...strings].sort());
  });
});
