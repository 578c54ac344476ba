import { describe, expect, it } from 'vitest';
import { extractAgreement, misreadTitleWord } from '../../shared/extract/agreement.js';
import { normalizeCharacters, tidyLine } from '../../shared/extract/normalize.js';
import { repairDigits } from '../../shared/extract/ocr-repairs.js';
import { officeHolderSpelling } from '../../shared/extract/signatures.js';
import { validateFindings } from '../../shared/validate/rules.js';
import { seedExpectedRecord, seedLines } from '../support/seed.js';

const clean = (lines: string[]) => lines.map((line) => tidyLine(repairDigits(normalizeCharacters(line))));

describe('the seed agreement (Main-Taunus-Kreis 2025)', () => {
  const expected = seedExpectedRecord().agreement;
  const { agreement } = extractAgreement(clean(seedLines()));

  it('reads the title, program and budget year', () => {
    expect(agreement.title).toBe(expected.title);
    expect(agreement.program).toBe(expected.program);
    expect(agreement.budgetYear).toBe(expected.budgetYear);
  });

  it('reads both parties with canonical names', () => {
    expect(agreement.parties).toEqual(expected.parties);
  });

  it('reads the amount', () => {
    expect(agreement.amount).toEqual(expected.amount);
  });

  it('reads every measure with its projects', () => {
    expect(agreement.measures).toHaveLength(4);
    expected.measures?.forEach((measure, index) => expect(agreement.measures?.[index]).toEqual(measure));
  });

  it('reads both signatures', () => {
    expect(agreement.signatures).toEqual(expected.signatures);
  });
});

/** A compact agreement in another layout, built line by line like a text layer would give it. */
function agreementLines(overrides: { recipientLine?: string; signatures?: string[]; list?: string[]; amount?: string } = {}): string[] {
  return [
    'Zielvereinbarung 2017',
    'zwischen',
    'dem Hessischen Ministerium für Soziales und Integration',
    overrides.recipientLine ?? 'und der Stadt Kassel',
    'zur Umsetzung des hessischen Ausbildungsbudgets',
    'Präambel',
    'Dafür will das Hessische Ministerium für Soziales und Integration (HMSI) regionale Handlungsspielräume eröffnen und vereinbart dazu Ziele.',
    '§ 3',
    'Haushaltsmittel',
    `Das HMSI stellt der Stadt Kassel im Jahr 2017 Haushaltsmittel in Höhe von ${overrides.amount ?? '2.345.678,00 EUR'} zur Verfügung.`,
    '§ 4',
    'Die Stadt Kassel finanziert mit den Mitteln des Ausbildungsbudgets 2017 in den jeweiligen Maßnahmenarten folgende Projekte:',
    ...(overrides.list ?? [
      '1) Ausbildungsvorbereitung',
      '• Jugendwerkstatt Nord',
      '2) Ausbildung und Ausbildungscoaching in anerkannten Ausbildungsberufen für junge Erwachsene mit',
      'besonderem Förderbedarf',
      '3) Qualifizierungsprojekte zur Arbeitsmarktintegration',
    ]),
    'Die Förderung der aufgeführten Maßnahmen erfolgt auf Basis und nach Maßgabe des nach Antragstellung erlassenen Bescheides.',
    ...(overrides.signatures ?? [
      'Wiesbaden, den 2. März 2017\tKassel, 14.03.2017',
      'Stefan Grüttner\tChristian Geselle',
      'Staatsminister\tOberbürgermeister',
      'Hessisches Ministerium für Soziales und Integration\tder Stadt Kassel',
    ]),
  ];
}

describe('agreements in other layouts', () => {
  it('reads a 2017 Ausbildungsbudget with side-by-side signatures and a wrapped measure title', () => {
    const { agreement } = extractAgreement(clean(agreementLines()));
    expect(agreement.budgetYear).toBe(2017);
    expect(agreement.program).toBe('Ausbildungsbudget');
    expect(agreement.parties).toEqual([
      { role: 'funder', name: 'Hessisches Ministerium für Soziales und Integration', shortName: 'HMSI' },
      { role: 'recipient', name: 'Stadt Kassel', kind: 'kreisfreie_stadt' },
    ]);
    expect(agreement.amount).toEqual({ cents: 234_567_800, currency: 'EUR', text: '2.345.678,00 EUR' });
    expect(agreement.measures).toEqual([
      { number: 1, title: 'Ausbildungsvorbereitung', projects: ['Jugendwerkstatt Nord'] },
      {
        number: 2,
        title: 'Ausbildung und Ausbildungscoaching in anerkannten Ausbildungsberufen für junge Erwachsene mit besonderem Förderbedarf',
        projects: [],
      },
      { number: 3, title: 'Qualifizierungsprojekte zur Arbeitsmarktintegration', projects: [] },
    ]);
    expect(agreement.signatures).toEqual([
      { party: 'funder', place: 'Wiesbaden', date: '2017-03-02', name: 'Stefan Grüttner', title: 'Staatsminister' },
      { party: 'recipient', place: 'Kassel', date: '2017-03-14', name: 'Christian Geselle', title: 'Oberbürgermeister' },
    ]);
  });

  /** The signatures read from the 2017 agreement with the given signature lines in place of its own. */
  const signaturesFrom = (signatures: string[]) => extractAgreement(clean(agreementLines({ signatures }))).agreement.signatures;

  it('reads a date whose year wrapped onto the next line of a narrow signature column', () => {
    expect(
      signaturesFrom([
        'Wiesbaden, den 22.01.2025 Lauterbach (Hessen), den 5. Februar',
        '2025',
        'Heike Hofmann Stefan Schmitt',
        'Staatsministerin Erster Kreisbeigeordneter',
        'Hessisches Ministerium des Vogelsbergkreises',
      ]),
    ).toEqual([
      { party: 'funder', place: 'Wiesbaden', date: '2025-01-22', name: 'Heike Hofmann', title: 'Staatsministerin' },
      { party: 'recipient', place: 'Lauterbach (Hessen)', date: '2025-02-05', name: 'Stefan Schmitt', title: 'Erster Kreisbeigeordneter' },
    ]);
    expect(
      signaturesFrom(['Wiesbaden, den 27.08.2014 Bad Homburg v. d. Höhe, den 23.', 'September 2014', 'Stefan Grüttner Dr. Frank Jäger', 'Staatsminister Landrat']),
    ).toEqual([
      { party: 'funder', place: 'Wiesbaden', date: '2014-08-27', name: 'Stefan Grüttner', title: 'Staatsminister' },
      { party: 'recipient', place: 'Bad Homburg v. d. Höhe', date: '2014-09-23', name: 'Dr. Frank Jäger', title: 'Landrat' },
    ]);
    expect(
      signaturesFrom(['Wiesbaden, den 14.06.2012 Bad Homburg v. d. Höhe, den', '22.7.2012', 'Stefan Grüttner Andrea Günther', 'Staatsminister Kreisbeigeordnete'])?.map(
        (signature) => [signature.place, signature.date, signature.name],
      ),
    ).toEqual([
      ['Wiesbaden', '2012-06-14', 'Stefan Grüttner'],
      ['Bad Homburg v. d. Höhe', '2012-07-22', 'Andrea Günther'],
    ]);
    // OCR set the year apart as a paragraph of its own (unseen set 32000001, 300 dpi).
    const apart = ['Wiesbaden, den 25.08.2013 Lauterbach (Hessen), den 10. September', '', '2013', 'Stefan Grüttner Matthias Zimmermann', 'Staatsminister Landrat'];
    expect(signaturesFrom(apart)?.map((signature) => [signature.place, signature.date, signature.name])).toEqual([
      ['Wiesbaden', '2013-08-25', 'Stefan Grüttner'],
      ['Lauterbach (Hessen)', '2013-09-10', 'Matthias Zimmermann'],
    ]);
    // The date's evidence is its start on the place's line and the year two lines down.
    const lines = clean(agreementLines({ signatures: apart }));
    const placeLine = lines.indexOf(apart[0]!);
    expect(extractAgreement(lines).sources.find((source) => source.path === 'agreement.signatures[1].date')?.spans).toEqual([
      { line: placeLine, start: apart[0]!.indexOf('10. September'), end: apart[0]!.length },
      { line: placeLine + 2, start: 0, end: 4 },
    ]);
  });

  it('splits two signature blocks that OCR ran into one line', () => {
    expect(
      signaturesFrom(['Wiesbaden, den 02.03.2017 Kassel, den 14.03.2017', 'Stefan Grüttner\tChristian Geselle', 'Staatsminister\tOberbürgermeister'])?.map(
        (signature) => [signature.party, signature.place, signature.date, signature.name],
      ),
    ).toEqual([
      ['funder', 'Wiesbaden', '2017-03-02', 'Stefan Grüttner'],
      ['recipient', 'Kassel', '2017-03-14', 'Christian Geselle'],
    ]);
  });

  it("spells the ministry's signatory as its office holder where OCR misread a letter, and no other name", () => {
    expect(
      signaturesFrom(['Wiesbaden, den 02.03.2017 Kassel, den 14.03.2017', 'Stefan Grütiner\tChristian Gesele', 'Staatsminister\tOberbürgermeister'])?.map((signature) => signature.name),
    ).toEqual(['Stefan Grüttner', 'Christian Gesele']);
    expect(officeHolderSpelling('Anne Jamz')).toBe('Anne Janz');
    expect(officeHolderSpelling('Stefan Schmitt')).toBe('Stefan Schmitt');
    expect(officeHolderSpelling('Anne Jansen')).toBe('Anne Jansen');
  });

  it('takes a misread office for the nearest, and sends it to review where another is as near or a letter further: a misread ending does not say which it was', () => {
    // A signatory the ministry's list does not name, whose office nothing else tells.
    const titleIssues = (funderOffice: string, signatory = 'Petra Hartmann') => {
      const findings = extractAgreement(clean(agreementLines({ signatures: ['Wiesbaden, den 2. März 2017\tKassel, 14.03.2017', `${signatory}\tChristian Geselle`, `${funderOffice}\tOberbürgermeister`] })));
      const { issues } = validateFindings(findings, { today: new Date('2026-11-25T00:00:00Z'), lowConfidencePages: [], unreadPages: [] });
      return [findings.agreement.signatures?.[0]?.title, issues.filter((issue) => issue.path.startsWith('agreement.signatures')).map((issue) => `${issue.path} ${issue.code}`)];
    };
    // "m" may be an added letter or the "in" read as one.
    expect(titleIssues('Staatsministerm')).toEqual(['Staatsminister', ['agreement.signatures[0].title signature.title_uncertain']]);
    expect(titleIssues('Staatsministern')).toEqual(['Staatsministerin', ['agreement.signatures[0].title signature.title_uncertain']]);
    // One letter off its office, three off the other: no doubt.
    expect(titleIssues('Staatsministenin')).toEqual(['Staatsministerin', []]);
    expect(titleIssues('Staatsministerin')).toEqual(['Staatsministerin', []]);
    expect(titleIssues('Staatsminister')).toEqual(['Staatsminister', []]);
    // Read without its capital, it lost its first letters, and may be the end of a longer office.
    expect(titleIssues('inisterin')).toEqual(['Ministerin', ['agreement.signatures[0].title signature.title_uncertain']]);
    expect(titleIssues('Ministerin')).toEqual(['Ministerin', []]);
    expect(titleIssues('taatsministerin')).toEqual(['Staatsministerin', []]);
    // The office the ministry's list says its signatory held settles which of the two it was ("Heike
    // Hofmann" over "Staatsministern", unseen set 28000001, 300 dpi), whichever of them is nearer.
    expect(titleIssues('Staatsministern', 'Heike Hofmann')).toEqual(['Staatsministerin', []]);
    expect(titleIssues('Staatsministerm', 'Heike Hofmann')).toEqual(['Staatsministerin', []]);
    expect(titleIssues('Staatsministerm', 'Stefan Grüttner')).toEqual(['Staatsminister', []]);
    expect(titleIssues('Staatsministern', 'Stefan Grütiner')).toEqual(['Staatsminister', []]);
    // An office that is neither of the two leaves the doubt.
    expect(titleIssues('Staatsministern', 'Anne Janz')).toEqual(['Staatsministerin', ['agreement.signatures[0].title signature.title_uncertain']]);
  });

  it('reads blocks where the recipient signs first and the office is preceded by an article', () => {
    expect(
      signaturesFrom(['Kassel, den 14.03.2017', 'Die Oberbürgermeisterin', 'Dr. Anna-Lena Weber', 'Wiesbaden, den 20.03.2017', 'Stefan Grüttner', 'Staatsminister']),
    ).toEqual([
      { party: 'recipient', place: 'Kassel', date: '2017-03-14', name: 'Dr. Anna-Lena Weber', title: 'Oberbürgermeisterin' },
      { party: 'funder', place: 'Wiesbaden', date: '2017-03-20', name: 'Stefan Grüttner', title: 'Staatsminister' },
    ]);
  });

  it('reads projects whose bullets were drawn, not typed, and a project name that wraps', () => {
    const { agreement } = extractAgreement(
      clean(
        agreementLines({
          list: [
            '1. Ausbildungsvorbereitung',
            'Jugendwerkstatt Nord',
            'Produktionsschule „Neue Wege“ – Berufliche Orientierung und Stabilisierung für junge Menschen ohne',
            'Schulabschluss',
            '2. Qualifizierungsprojekte zur Arbeitsmarktintegration, Fachkräftesicherung',
            '3. Weiterbildungsmaßnahmen für Personal der Landkreise und kreisfreien Städte',
          ],
        }),
      ),
    );
    expect(agreement.measures).toEqual([
      {
        number: 1,
        title: 'Ausbildungsvorbereitung',
        projects: ['Jugendwerkstatt Nord', 'Produktionsschule „Neue Wege“ – Berufliche Orientierung und Stabilisierung für junge Menschen ohne Schulabschluss'],
      },
      { number: 2, title: 'Qualifizierungsprojekte zur Arbeitsmarktintegration, Fachkräftesicherung', projects: [] },
      { number: 3, title: 'Weiterbildungsmaßnahmen für Personal der Landkreise und kreisfreien Städte', projects: [] },
    ]);
  });

  it('decides an ambiguous recipient from how the document refers to it', () => {
    const lines = agreementLines({ recipientLine: 'und Kassel' });
    const { agreement } = extractAgreement(clean(lines));
    expect(agreement.parties?.[1]).toEqual({ role: 'recipient', name: 'Stadt Kassel', kind: 'kreisfreie_stadt' });
  });

  it('reads signature lines whose punctuation OCR garbled, and knows the place it stands for', () => {
    const { agreement } = extractAgreement(
      clean(
        agreementLines({
          signatures: [
            'Wiesbaden den 01.06:2017\tBad Homburg, v. d, Höhe; den 26..März 2017',
            'Stefan: Grüttner\tDr. Andrea. Krämer',
            'Staatsminister\tKreisbeigeordnete',
            'Hessisches Ministerium für Soziales und Integration\tdes Hochtaunuskreises',
          ],
        }),
      ),
    );
    expect(agreement.signatures).toEqual([
      { party: 'funder', place: 'Wiesbaden', date: '2017-06-01', name: 'Stefan Grüttner', title: 'Staatsminister' },
      { party: 'recipient', place: 'Bad Homburg v. d. Höhe', date: '2017-03-26', name: 'Dr. Andrea Krämer', title: 'Kreisbeigeordnete' },
    ]);
  });

  it('knows a place OCR misread two letters of, as close to it as the names of the 26 must be', () => {
    const { agreement } = extractAgreement(
      clean(
        agreementLines({
          signatures: ['Wiesbaden, den 01.06.2017\tLimbuy a. d. Lahn, den 14.06.2017', 'Stefan Grüttner\tMichael Köberle', 'Staatsminister\tLandrat', 'Hessisches Ministerium für Soziales und Integration\tdes Landkreises Limburg-Weilburg'],
        }),
      ),
    );
    expect(agreement.signatures?.map(({ party, place, date }) => ({ party, place, date }))).toEqual([
      { party: 'funder', place: 'Wiesbaden', date: '2017-06-01' },
      { party: 'recipient', place: 'Limburg a. d. Lahn', date: '2017-06-14' },
    ]);
  });

  it.each([
    ['Wiesbaden, dern 25.05.2020\tFriedberg (Hessen), dcn 10.06.2020'],
    ['Wiesbaden, den-25.05.2020\tFriedberg (Hessen), den.10.06.2020'],
    ['Wiesbaden, den 25.05.2020.\tFriedberg (Hessen), den 10.06.2020'],
  ])('reads signature dates after a "den" OCR misspelt, or with specks around them: %s', (placeDates) => {
    const { agreement } = extractAgreement(
      clean(
        agreementLines({
          signatures: [
            placeDates,
            'Kai Klose\tJan Weckler',
            'Staatsminister\tLandrat',
            'Hessisches Ministerium für Soziales und Integration\tdes Wetteraukreises',
          ],
        }),
      ),
    );
    expect(agreement.signatures?.map(({ party, place, date }) => ({ party, place, date }))).toEqual([
      { party: 'funder', place: 'Wiesbaden', date: '2020-05-25' },
      { party: 'recipient', place: 'Friedberg (Hessen)', date: '2020-06-10' },
    ]);
  });

  it('spells the ministry in the title as it is officially called where OCR misread a letter of it, and ends the title at its last word', () => {
    const lines = agreementLines().map((line) =>
      line
        .replace('dem Hessischen Ministerium für Soziales und Integration', 'dem Hessischen Ministerium für Soziales und integration')
        // A speck after the title's last word.
        .replace('zur Umsetzung des hessischen Ausbildungsbudgets', 'zur Umsetzung des hessischen Ausbildungsbudgets:'),
    );
    const { agreement } = extractAgreement(clean(lines));
    expect(agreement.title).toBe('Zielvereinbarung 2017 zwischen dem Hessischen Ministerium für Soziales und Integration und der Stadt Kassel zur Umsetzung des hessischen Ausbildungsbudgets');
  });

  it('keeps the article before the ministry in the title as read, where OCR misread it: it is no part of the name', () => {
    const { agreement } = extractAgreement(clean(agreementLines().map((line) => line.replace('dem Hessischen Ministerium für Soziales und Integration', 'jem Hessischen Ministerium für Soziales und integration'))));
    expect(agreement.title).toBe('Zielvereinbarung 2017 zwischen jem Hessischen Ministerium für Soziales und Integration und der Stadt Kassel zur Umsetzung des hessischen Ausbildungsbudgets');
    expect(agreement.parties?.[0]?.name).toBe('Hessisches Ministerium für Soziales und Integration');
  });

  it('spells the recipient in the title as it is officially called where OCR misread a letter of it, and keeps it in letter case and inflection as written', () => {
    const titled = (recipient: string) =>
      extractAgreement(clean(agreementLines({ recipientLine: `und ${recipient}` }))).agreement;
    const misread = titled('der Landeshauptstadt Wiesbadcn');
    expect(misread.title).toBe('Zielvereinbarung 2017 zwischen dem Hessischen Ministerium für Soziales und Integration und der Landeshauptstadt Wiesbaden zur Umsetzung des hessischen Ausbildungsbudgets');
    expect(misread.parties?.[1]).toEqual({ role: 'recipient', name: 'Landeshauptstadt Wiesbaden', kind: 'kreisfreie_stadt' });
    expect(titled('dem Landkreis Waldeck-Erankenberg').title).toContain(' und dem Landkreis Waldeck-Frankenberg zur Umsetzung ');
    expect(titled('dem Landkreis Limburg-Wellburg').title).toContain(' und dem Landkreis Limburg-Weilburg zur Umsetzung ');
    expect(titled('dem MAIN-TAUNUS-KREIS').title).toContain(' und dem MAIN-TAUNUS-KREIS zur Umsetzung ');
    expect(titled('des Main-Taunus-Kreises').title).toContain(' und des Main-Taunus-Kreises zur Umsetzung ');
  });

  it('starts the title at its first word where OCR misread two letters of it, not at a later mention of agreements in the running text', () => {
    const lines = [
      ...agreementLines().map((line) => line.replace('Zielvereinbarung 2017', 'Zielveranbarung 2017')),
      'Die Zielvereinbarungen werden auf dem Internetportal des HMSI veröffentlicht.',
    ];
    const { agreement } = extractAgreement(clean(lines));
    expect(agreement.title).toBe('Zielvereinbarung 2017 zwischen dem Hessischen Ministerium für Soziales und Integration und der Stadt Kassel zur Umsetzung des hessischen Ausbildungsbudgets');
    expect(agreement.budgetYear).toBe(2017);
    expect(agreement.measures?.map((measure) => measure.title)).toEqual([
      'Ausbildungsvorbereitung',
      'Ausbildung und Ausbildungscoaching in anerkannten Ausbildungsberufen für junge Erwachsene mit besonderem Förderbedarf',
      'Qualifizierungsprojekte zur Arbeitsmarktintegration',
    ]);
  });

  it('starts no title in running text that names the agreements, where OCR garbled the title word past knowing, and still reads the list and names the ministry in full from the text', () => {
    const lines = [
      ...agreementLines().map((line) => line.replace('Zielvereinbarung 2017', 'Ziel in]')),
      'Die Zielvereinbarungen werden auf dem Internetportal des HMSI „Arbeitswelt Hessen“ veröffentlicht.',
    ];
    const { agreement } = extractAgreement(clean(lines));
    expect(agreement.title).toBeUndefined();
    expect(agreement.parties?.[0]).toEqual({ role: 'funder', name: 'Hessisches Ministerium für Soziales und Integration', shortName: 'HMSI' });
    expect(agreement.measures?.map((measure) => measure.title)).toEqual([
      'Ausbildungsvorbereitung',
      'Ausbildung und Ausbildungscoaching in anerkannten Ausbildungsberufen für junge Erwachsene mit besonderem Förderbedarf',
      'Qualifizierungsprojekte zur Arbeitsmarktintegration',
    ]);
  });

  it('names the ministry from the text by its whole known name, an "und" in it included, and by the longer of two that fit', () => {
    const named = (sentence: string) => {
      const lines = agreementLines().filter((line) => !/^(?:Zielvereinbarung|zwischen|dem Hessischen|und der Stadt|zur Umsetzung)/.test(line));
      return extractAgreement(clean([...lines.slice(0, 1), sentence, ...lines.slice(1)])).agreement.parties?.[0]?.name;
    };
    expect(named('Dafür will das Hessische Ministerium für Arbeit, Integration, Jugend und Soziales (HMAIJS) Ziele vereinbaren.')).toBe('Hessisches Ministerium für Arbeit, Integration, Jugend und Soziales');
    expect(named('Dafür will das Hessische Ministerium für Soziales und lntegration (HMSI) Ziele vereinbaren.')).toBe('Hessisches Ministerium für Soziales und Integration');
  });

  it('takes the programme in the title as the document writes it elsewhere, twice or more, where OCR misread or split it there, and says so', () => {
    const withTitleEnd = (end: string, extra = ['Das HMSI verfolgt mit dem Ausbildungsbudget 2017 das Ziel, die Ausbildungsfähigkeit zu steigern.']) => {
      const lines = agreementLines().map((line) => (line === 'zur Umsetzung des hessischen Ausbildungsbudgets' ? end : line));
      return extractAgreement(clean([...lines.slice(0, 7), ...extra, ...lines.slice(7)]));
    };
    const title = 'Zielvereinbarung 2017 zwischen dem Hessischen Ministerium für Soziales und Integration und der Stadt Kassel zur Umsetzung des hessischen Ausbildungsbudgets';
    for (const misread of ['Ausbil dungsbudgets', 'Ausbildungshudgets', 'Aushildungsbudgets.']) {
      const { agreement, facts } = withTitleEnd(`zur Umsetzung des hessischen ${misread}`);
      expect(agreement.title, misread).toBe(title);
      expect(agreement.program, misread).toBe('Ausbildungsbudget');
      expect(facts.respelled, misread).toEqual([{ path: 'agreement.title', read: misread.replace(/\.$/, ''), taken: 'Ausbildungsbudgets', count: 2 }]);
    }
    // Written so in the title, nothing is taken; nor where the text writes the name only once.
    expect(withTitleEnd('zur Umsetzung des hessischen Ausbildungsbudgets').facts.respelled).toEqual([]);
    expect(withTitleEnd('zur Umsetzung des hessischen Ausbildungshudgets', []).facts.respelled).toEqual([]);
    // Another programme in the title is no misreading of the one in the text.
    expect(withTitleEnd('zur Umsetzung des hessischen Qualifizierungsbudgets').agreement.title).toContain('Qualifizierungsbudgets');
  });

  it('takes no word three letters away from "Zielvereinbarung" for the start of the title', () => {
    expect(misreadTitleWord('Zielveranbarung 2017')).toEqual({ read: 'Zielveranbarung', word: 'Zielvereinbarung' });
    expect(misreadTitleWord('Zielvereinbarung 2017')).toBeUndefined();
    expect(misreadTitleWord('Zielverabredung 2017')).toBeUndefined();
  });

  it('reads amounts that OCR garbled with letters for digits', () => {
    const { agreement } = extractAgreement(clean(agreementLines({ amount: '2.345.67O,OO EUR' })));
    expect(agreement.amount).toEqual({ cents: 234_567_000, currency: 'EUR', text: '2.345.670,00 EUR' });
  });
});
