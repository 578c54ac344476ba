import type { Writable } from 'node:stream';
import type { ReportContent } from './model.js';
import { TextOutput } from './output.js';

/**
 * `report.json`: the machine-readable form (documents in the contract's shape, keys, totals, review,
 * conflicts, duplicates), written document by document; the text is the same as
 * `JSON.stringify(report, null, 2)` of the whole report held in memory.
 */

/** A value as JSON.stringify(…, null, 2) writes it at the given depth. */
const nested = (value: unknown, depth: number) => JSON.stringify(value, null, 2).replaceAll('\n', `\n${'  '.repeat(depth)}`);

async function writeArray(output: TextOutput, name: string, items: AsyncIterable<unknown>): Promise<void> {
  let first = true;
  for await (const item of items) {
    await output.write(`${first ? `  "${name}": [\n` : ',\n'}    ${nested(item, 2)}`);
    first = false;
  }
  await output.write(`${first ? `  "${name}": []` : '\n  ]'},\n`);
}

export async function writeJson({ summary, documents, review }: ReportContent, stream: Writable): Promise<void> {
  const output = new TextOutput(stream);
  const field = (name: string, value: unknown) => output.write(`  "${name}": ${nested(value, 1)},\n`);
  await output.write('{\n');
  await field('batch', summary.batch);
  await field('scope', summary.scope);
  await field('generatedAt', summary.generatedAt);
  await writeArray(output, 'documents', documents());
  await field('keys', summary.keys);
  await field('totals', summary.totals);
  await writeArray(output, 'review', review());
  await field('conflicts', summary.conflicts);
  await output.write(`  "duplicates": ${nested(summary.duplicates, 1)}\n}\n`);
  await output.end();
}
