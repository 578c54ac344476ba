import { describe, expect, it } from 'vitest';
import { readAsListedValue } from '../../shared/extract/listed-values.js';

const office = 'agreement.signatures[1].title';

describe('a value of a closed list as OCR read it', () => {
  it('stands for its entry unmistakably where it is read exactly, or a letter off in a long entry, and every other entry is three letters further', () => {
    expect(readAsListedValue(office, 'Oberbürgermeisterin', 'Oberbürgermeisterin')).toBe(true);
    expect(readAsListedValue(office, 'Oberbürgermeisterin', 'Oberbirgermeisterin')).toBe(true);
    expect(readAsListedValue(office, 'Staatsministerin', 'Die Staatsministerin')).toBe(true);
    expect(readAsListedValue('agreement.signatures[0].name', 'Stefan Grüttner', 'Stefan Grütiner')).toBe(true);
    expect(readAsListedValue('agreement.measures[2].projects[0]', 'ÜSBZ', 'ÜSBZ')).toBe(true);
    expect(readAsListedValue('agreement.measures[0].title', 'Ausbildungsvorbereitung', 'Ausbildungsvorberejtung')).toBe(true);
  });

  it('holds the ministry\'s names and Hesse\'s Landkreise and kreisfreie Städte for the parties', () => {
    expect(readAsListedValue('agreement.parties[1].name', 'Rheingau-Taunus-Kreis', 'Rheingau- Taunus-Kreis')).toBe(true);
    expect(readAsListedValue('agreement.parties[0].name', 'Hessisches Sozialministerium', 'Hessische Sozialministerium')).toBe(true);
    expect(readAsListedValue('agreement.parties[1].name', 'Stadt Kassel', 'Stadt Kassel')).toBe(true);
    expect(readAsListedValue('agreement.parties[1].name', 'Hochtaunuskreis', 'Hochtaunuskrels')).toBe(true);
    expect(readAsListedValue('agreement.parties[1].name', 'Hochtaunuskreis', 'Hochtaunuskr')).toBe(false);
    expect(readAsListedValue('agreement.parties[0].name', 'Main-Taunus-Kreis', 'Main-Taunus-Kreis')).toBe(false);
  });

  it('holds the seats of the ministry and the 26, in their long and short forms, for the places signed at', () => {
    expect(readAsListedValue('agreement.signatures[0].place', 'Wiesbaden', 'Wiesbaden,')).toBe(true);
    expect(readAsListedValue('agreement.signatures[1].place', 'Limburg a. d. Lahn', 'Limburg a. d. Lahn,')).toBe(true);
    expect(readAsListedValue('agreement.signatures[1].place', 'Bad Homburg', 'Bad Homburg')).toBe(true);
    expect(readAsListedValue('agreement.signatures[1].place', 'Bad Homburg v. d. Höhe', 'Bad Homburg v. d. Hähe')).toBe(true);
    // Two letters off.
    expect(readAsListedValue('agreement.signatures[1].place', 'Limburg a. d. Lahn', 'Limbuy a. d. Lahn')).toBe(false);
    expect(readAsListedValue('agreement.signatures[1].place', 'Berlin', 'Berlin')).toBe(false);
  });

  it('does not where OCR may have lost the ending of another entry: a masculine office may be the feminine one read short', () => {
    expect(readAsListedValue(office, 'Landrat', 'Landrat')).toBe(false);
    expect(readAsListedValue(office, 'Staatssekretär', 'Staatssekretär')).toBe(false);
    expect(readAsListedValue(office, 'Kreisbeigeordnete', 'Kreisbeigeordnete')).toBe(false);
  });

  it('does not for a short entry read a letter off, umlaut dots included, two letters off, or a value no list holds', () => {
    expect(readAsListedValue('agreement.measures[2].projects[0]', 'ÜSBZ', 'USBZ')).toBe(false);
    expect(readAsListedValue(office, 'Oberbürgermeisterin', 'Oberbirgermeistenin')).toBe(false);
    expect(readAsListedValue('agreement.measures[2].projects[0]', 'Jugendwerkstatt Nord', 'Jugendwerkstatt Nord')).toBe(false);
    expect(readAsListedValue('agreement.signatures[1].name', 'Johannes Baron', 'Johannes Baron')).toBe(false);
  });

  it('holds the names records known to be right hold beside its list, as they are passed for the field', () => {
    const project = 'agreement.measures[2].projects[0]';
    const known = ['Jugendwerkstatt Nord', 'Frauen in Arbeit – FiA', 'Sprungbrett'];
    expect(readAsListedValue(project, 'Jugendwerkstatt Nord', 'Jugendwerkstatt Nord', known)).toBe(true);
    // A letter off in a long name: the misread word taken for the word it was ("Jugendwerkstat").
    expect(readAsListedValue(project, 'Jugendwerkstatt Nord', 'Jugendwerkstat Nord', known)).toBe(true);
    expect(readAsListedValue(project, 'Frauen in Arbeit – FiA', 'Frauen in Arbeit - FiA', known)).toBe(true);
    expect(readAsListedValue('agreement.signatures[1].name', 'Johannes Baron', 'Johannes Baron', ['Johannes Baron'])).toBe(true);
    // A value that is no known name, read as it stands or near one ("Sprungbreit" for "Sprungbrett"), is not.
    expect(readAsListedValue(project, 'Sprungbreit', 'Sprungbreit', known)).toBe(false);
    expect(readAsListedValue(project, 'Jugendwerkstatt Süd', 'Jugendwerkstatt Süd', known)).toBe(false);
    // Nor one that another known name is as near to.
    expect(readAsListedValue(project, 'Jugendwerkstatt Nord', 'Jugendwerkstatt Nor', [...known, 'Jugendwerkstatt Nora'])).toBe(false);
  });
});
