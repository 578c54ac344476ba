import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { recordJsonSchema } from './json-schema.js';

/** Regenerates the committed `record.schema.json`; a unit test fails when the two drift apart. */
const target = fileURLToPath(new URL('./record.schema.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(recordJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);
