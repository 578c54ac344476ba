import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import dictionary from 'dictionary-de';
import nspell from 'nspell';
import { GERMAN_WORDS_FILE } from '../shared/extract/german-lexicon.js';
import { encodeWordList } from '../shared/extract/word-list.js';

/**
 * Part of `npm run build`: igerman98's German dictionary (npm `dictionary-de`, GPL-2.0 OR GPL-3.0) as
 * `nspell` reads it, every form spelled out, written as the sorted word list the lexicon searches
 * (shared/extract/word-list.ts) to dist/german-words.txt, which the functions that read PDFs ship.
 */
const spell = nspell({ aff: Buffer.from(dictionary.aff), dic: Buffer.from(dictionary.dic) });
// The internals nspell checks a word with (lib/util/form.js, exact.js): the forms and their flags.
const internals = spell as unknown as { data: Record<string, string[]>; flags: Record<string, string | undefined>; compoundRules: unknown[]; conversion: { in: unknown[] } };
const { data, flags } = internals;
// What the word list does not do, nspell would: the dictionary must not need it.
if (internals.compoundRules.length > 0 || internals.conversion.in.length > 0) throw new Error('the dictionary has compound rules or input conversions, which the word list does not apply');
const flagged = (word: string, name: string) => flags[name] !== undefined && (data[word] ?? []).includes(flags[name]!);

const words = Object.keys(data);
if (words.some((word) => flagged(word, 'KEEPCASE'))) throw new Error('the dictionary has KEEPCASE forms, which the word list does not keep');
const forbidden = words.filter((word) => flagged(word, 'FORBIDDENWORD'));
if (forbidden.some((word) => flagged(word, 'ONLYINCOMPOUND'))) throw new Error('the dictionary has forbidden forms that stand only in compounds');
const known = words.filter((word) => !flagged(word, 'ONLYINCOMPOUND') && !flagged(word, 'FORBIDDENWORD'));

// The package exports its index only; its manifest is read where npm put it.
const version = (JSON.parse(readFileSync(new URL('../node_modules/dictionary-de/package.json', import.meta.url), 'utf8')) as { version: string }).version;
const description = [
  `igerman98, German (Germany) Hunspell dictionary, from npm dictionary-de ${version}; licence GPL-2.0 OR GPL-3.0.`,
  `Every form nspell reads from it, one a line, sorted by UTF-8 bytes; written by scripts/build-lexicon.ts.`,
].join('\n');

const folder = fileURLToPath(new URL('../dist/', import.meta.url));
mkdirSync(folder, { recursive: true });
const file = encodeWordList(known, forbidden, description);
writeFileSync(`${folder}${GERMAN_WORDS_FILE}`, file);
process.stdout.write(`wrote dist/${GERMAN_WORDS_FILE}: ${known.length} forms, ${forbidden.length} forbidden, ${(file.length / 1024 / 1024).toFixed(1)} MiB\n`);
