import type { SpellingList } from './lexicon.js';

/**
 * A Hunspell dictionary with every form spelled out, as one sorted file that is searched where it lies:
 * what `nspell` makes of igerman98 (half a million forms) costs some 80 MB of objects and a second and
 * a half to build; the same forms as sorted lines cost their bytes (some 6 MB, outside the JavaScript
 * heap) and a few milliseconds to read. scripts/build-lexicon.ts writes the file from `nspell`'s reading
 * of `dictionary-de` when the project is built.
 *
 * The file: lines starting with `#` say what it is; lines starting with `!` name the forbidden forms
 * (Hunspell's FORBIDDENWORD); every other line is one known form, sorted by its UTF-8 bytes.
 */

const NEWLINE = 0x0a;
const COMMENT = '#';
const FORBIDDEN = '!';

/** The file for the given forms: known ones (in a dictionary, not only inside compounds) and forbidden ones. */
export function encodeWordList(known: Iterable<string>, forbidden: Iterable<string>, description: string): Buffer {
  const sorted = [...known].map((word) => Buffer.from(word, 'utf8')).sort(Buffer.compare);
  for (const word of sorted) {
    const text = word.toString('utf8');
    if (text.length === 0 || text.startsWith(COMMENT) || text.startsWith(FORBIDDEN) || /\s/u.test(text)) throw new Error(`a form the word list cannot hold: "${text}"`);
  }
  const head = [...description.split('\n').map((line) => `${COMMENT} ${line}`), ...[...forbidden].map((word) => `${FORBIDDEN}${word}`)];
  return Buffer.concat([Buffer.from(`${head.join('\n')}\n`, 'utf8'), ...sorted.flatMap((word) => [word, Buffer.from([NEWLINE])])]);
}

/**
 * The word list, checked as `nspell` checks a word (its `correct`): the form as written, else, written
 * all in capitals, in sentence case, else in lower case; a forbidden form is wrong however written.
 * (igerman98 has no KEEPCASE forms, compound rules or input conversions, which nspell would also apply;
 * the build refuses a dictionary that has any.)
 */
export class SortedWordList implements SpellingList {
  private readonly forbidden = new Set<string>();
  /** Where the sorted forms begin. */
  private readonly start: number;

  constructor(private readonly bytes: Buffer) {
    let at = 0;
    while (at < bytes.length && (bytes[at] === COMMENT.charCodeAt(0) || bytes[at] === FORBIDDEN.charCodeAt(0))) {
      const end = bytes.indexOf(NEWLINE, at);
      const line = bytes.toString('utf8', at, end < 0 ? bytes.length : end);
      if (line.startsWith(FORBIDDEN)) this.forbidden.add(line.slice(1));
      at = end < 0 ? bytes.length : end + 1;
    }
    this.start = at;
  }

  /** How many forms the list holds. */
  get size(): number {
    let count = 0;
    for (let at = this.bytes.indexOf(NEWLINE, this.start); at >= 0; at = this.bytes.indexOf(NEWLINE, at + 1)) count++;
    return count;
  }

  correct(value: string): boolean {
    const normal = value.trim();
    if (!normal) return false;
    if (this.forbidden.has(normal)) return false;
    if (this.has(normal)) return true;
    if (normal.toUpperCase() === normal) {
      const sentence = normal.charAt(0) + normal.slice(1).toLowerCase();
      if (this.forbidden.has(sentence)) return false;
      if (this.has(sentence)) return true;
    }
    const lower = normal.toLowerCase();
    if (lower === normal || this.forbidden.has(lower)) return false;
    return this.has(lower);
  }

  /** Whether the form is one of the sorted lines: a binary search over the bytes, from line to line. */
  private has(word: string): boolean {
    const target = Buffer.from(word, 'utf8');
    let low = this.start;
    let high = this.bytes.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const lineStart = middle === 0 ? 0 : Math.max(low, this.bytes.lastIndexOf(NEWLINE, middle - 1) + 1);
      const newline = this.bytes.indexOf(NEWLINE, lineStart);
      const lineEnd = newline < 0 || newline > high ? high : newline;
      const order = this.compareAt(target, lineStart, lineEnd);
      if (order === 0) return true;
      if (order < 0) high = lineStart;
      else low = lineEnd + 1;
    }
    return false;
  }

  /** The order of `target` against the bytes from `start` to `end`, as `Buffer.compare` tells it, without a view to make. */
  private compareAt(target: Buffer, start: number, end: number): number {
    const length = Math.min(target.length, end - start);
    for (let index = 0; index < length; index++) {
      const difference = target[index]! - this.bytes[start + index]!;
      if (difference !== 0) return difference < 0 ? -1 : 1;
    }
    return target.length === end - start ? 0 : target.length < end - start ? -1 : 1;
  }
}
