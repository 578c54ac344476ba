import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { GermanLexicon, type WordLookup } from './lexicon.js';
import { SortedWordList } from './word-list.js';

/**
 * The German lexicon of the process that owns a run (the CLI, a Lambda function, the bench): never of
 * a reader process, which asks its owner (shared/isolation). Nothing a reader runs imports this module.
 */

/** The word list's file name, as the build writes it (scripts/build-lexicon.ts) and the functions ship it. */
export const GERMAN_WORDS_FILE = 'german-words.txt';

/**
 * Where the word list lies: beside a function's bundle, in the build's `dist/` seen from the source
 * (tests, tsx), and seen from the compiled module in `dist/shared/extract/`.
 */
const CANDIDATES = [GERMAN_WORDS_FILE, `../../dist/${GERMAN_WORDS_FILE}`, `../../${GERMAN_WORDS_FILE}`].map((path) => fileURLToPath(new URL(path, import.meta.url)));

let loading: Promise<GermanLexicon> | undefined;

/** The German lexicon, read once per process on first use (some 6 MB, in milliseconds). */
export function germanLexicon(): Promise<GermanLexicon> {
  loading ??= (async () => {
    const path = CANDIDATES.find((candidate) => existsSync(candidate));
    if (!path) throw new Error(`the German word list (${GERMAN_WORDS_FILE}) is missing; \`npm run build\` writes it`);
    return new GermanLexicon(new SortedWordList(await readFile(path)));
  })();
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

/** The German lexicon of this process, asked as an extraction asks. */
export const germanWords: WordLookup = {
  known: async (words) => {
    const lexicon = await germanLexicon();
    return words.map((word) => lexicon.knows(word));
  },
  writtenSmall: async (words) => {
    const lexicon = await germanLexicon();
    return words.map((word) => lexicon.writesSmall(word));
  },
  listed: async (words) => {
    const lexicon = await germanLexicon();
    return words.map((word) => lexicon.lists(word));
  },
};
