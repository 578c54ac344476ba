import { describe, expect, it } from 'vitest';
import { numberWordsToCents } from '../../shared/extract/number-words.js';

describe('amounts in words', () => {
  it.each([
    ['eine Million achtzehntausendneunhundertzehn Euro', 101_891_000],
    ['zwei Millionen dreihundertfünfundvierzigtausendsechshundertachtundsiebzig Euro', 234_567_800],
    ['neunhundertsiebenundachtzigtausendsechshundertvierundfünfzig Euro und fünfzig Cent', 98_765_450],
    ['siebenhundertfünfzigtausend Euro', 75_000_000],
    ['dreißigtausend', 3_000_000],
    ['einhunderttausend Euro', 10_000_000],
  ])('reads "%s"', (words, cents) => {
    expect(numberWordsToCents(words)).toBe(cents);
  });

  it('gives nothing for words that are not a number', () => {
    expect(numberWordsToCents('siehe Anlage')).toBeUndefined();
    expect(numberWordsToCents('')).toBeUndefined();
  });
});
