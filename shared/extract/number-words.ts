/**
 * German amounts written out, as agreements repeat them "(in Worten: eine Million achtzehntausend-
 * neunhundertzehn Euro)", to integer cents; undefined when the words are not a number.
 */

const UNITS: Record<string, number> = {
  null: 0, ein: 1, eins: 1, eine: 1, einen: 1, zwei: 2, drei: 3, vier: 4, fünf: 5, sechs: 6, sieben: 7, acht: 8, neun: 9,
  zehn: 10, elf: 11, zwölf: 12, dreizehn: 13, vierzehn: 14, fünfzehn: 15, sechzehn: 16, siebzehn: 17, achtzehn: 18, neunzehn: 19,
};
const TENS: Record<string, number> = {
  zwanzig: 20, dreißig: 30, vierzig: 40, fünfzig: 50, sechzig: 60, siebzig: 70, achtzig: 80, neunzig: 90,
};

function belowHundred(words: string): number | undefined {
  if (words === '') return 0;
  if (words in UNITS) return UNITS[words];
  if (words in TENS) return TENS[words];
  const compound = /^(.+?)und(.+)$/.exec(words);
  if (compound && compound[1]! in UNITS && compound[2]! in TENS) return UNITS[compound[1]!]! + TENS[compound[2]!]!;
  return undefined;
}

function belowThousand(words: string): number | undefined {
  const hundred = words.indexOf('hundert');
  if (hundred < 0) return belowHundred(words);
  const multiplier = hundred === 0 ? 1 : UNITS[words.slice(0, hundred)];
  const rest = belowHundred(words.slice(hundred + 'hundert'.length));
  return multiplier === undefined || rest === undefined ? undefined : multiplier * 100 + rest;
}

const SCALES: [RegExp, number][] = [
  [/milliarden?/, 1_000_000_000],
  [/million(?:en)?/, 1_000_000],
  [/tausend/, 1_000],
];

function wholeNumber(words: string): number | undefined {
  for (const [scale, value] of SCALES) {
    const match = scale.exec(words);
    if (!match) continue;
    const before = words.slice(0, match.index);
    const multiplier = before === '' ? 1 : wholeNumber(before);
    const rest = wholeNumber(words.slice(match.index + match[0].length));
    return multiplier === undefined || rest === undefined ? undefined : multiplier * value + rest;
  }
  return belowThousand(words);
}

export function numberWordsToCents(written: string): number | undefined {
  const compact = written.toLowerCase().replace(/ss/g, 'ß').replace(/[\s-]+/g, '');
  const match = /^(.*?)euro(?:und(.*?)cents?)?$/.exec(compact) ?? /^(.*?)()$/.exec(compact);
  if (!match || !match[1]) return undefined;
  const euros = wholeNumber(match[1]);
  const cents = match[2] ? belowHundred(match[2]) : 0;
  return euros === undefined || cents === undefined ? undefined : euros * 100 + cents;
}
