import { describe, expect, it } from 'vitest';
import { parseGermanDate, toIsoDate } from '../../shared/extract/dates.js';
import { restoreMonthNames } from '../../shared/extract/ocr-repairs.js';

describe('German dates', () => {
  it.each([
    ['2.8.2025', '2025-08-02'],
    ['02.08.2025', '2025-08-02'],
    ['2. August 2025', '2025-08-02'],
    ['den 18.08.2025', '2025-08-18'],
    ['18. 08. 2025', '2025-08-18'],
    ['3. März 2019', '2019-03-03'],
    ['1. Dez. 2016', '2016-12-01'],
    ['18.08.25', '2025-08-18'],
    // As OCR reads them now and then.
    ['18, Juni 2022', '2022-06-18'],
    ['01.06:2014', '2014-06-01'],
    ['28:2,2021', '2021-02-28'],
    ['3.11;2015', '2015-11-03'],
    ['26.-August 2019', '2019-08-26'],
    ['04.082017', '2017-08-04'],
    ['07,.08:2012', '2012-08-07'],
    ['26..März 2023', '2023-03-26'],
    ['25; August 2013', '2013-08-25'],
    ['02.06.201 1', '2011-06-02'],
    ['2. Oktober 201 7', '2017-10-02'],
    ['20.1.20 14', '2014-01-20'],
  ])('reads %s as %s', (written, iso) => {
    const date = parseGermanDate(written);
    expect(date).toBeDefined();
    expect(toIsoDate(date!)).toBe(iso);
  });

  it('rejects dates that do not exist', () => {
    expect(toIsoDate(parseGermanDate('31.02.2025')!)).toBeUndefined();
    expect(toIsoDate(parseGermanDate('29.02.2023')!)).toBeUndefined();
    expect(toIsoDate(parseGermanDate('29.02.2024')!)).toBe('2024-02-29');
    expect(parseGermanDate('13.13')).toBeUndefined();
  });

  it('spells a month name OCR misread by one letter, between a day and a year only, and only when one month is that close', () => {
    expect(restoreMonthNames('Wiesbaden, den 3. Janwar 2013\tHeppenheim, den 27. Januar 2013')).toBe('Wiesbaden, den 3. Januar 2013\tHeppenheim, den 27. Januar 2013');
    expect(restoreMonthNames('Kassel, den 1. Dezcmber 2020')).toBe('Kassel, den 1. Dezember 2020');
    // Juni or Juli: left alone.
    expect(restoreMonthNames('Fulda, den 4. Jusi 2019')).toBe('Fulda, den 4. Jusi 2019');
    // Not between a day and a year.
    expect(restoreMonthNames('Das Budget Janwar 2013')).toBe('Das Budget Janwar 2013');
    expect(restoreMonthNames('3. Ausbildung 2014')).toBe('3. Ausbildung 2014');
  });
});
