/**
 * Damage to a PDF's file structure that a reader can work around: pdf.js rebuilds a missing or broken
 * cross-reference table by scanning the file for its objects, and reads past junk after the end. Such
 * a file is read, but a person must check that nothing was lost, so the damage is named here, from the
 * raw bytes: the end marker, the `startxref` pointer, and each cross-reference section it leads to.
 */

const WHITESPACE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
/** Cross-reference sections followed through `/Prev` before the chain is taken to be a loop. */
const MAX_SECTIONS = 1000;

const latin1 = (buffer: Buffer, start: number, end: number) => buffer.toString('latin1', Math.max(0, start), Math.min(buffer.length, end));

interface TableSection {
  kind: 'table';
  /** Object number and byte offset of every entry in use. */
  entries: { number: number; offset: number }[];
  prev?: number;
  /** A hybrid file's cross-reference stream, beside the table. */
  stream?: number;
}

interface StreamSection {
  kind: 'stream';
  prev?: number;
}

const integerAfter = (text: string, key: string) => {
  const found = new RegExp(`/${key}\\s+(\\d+)`).exec(text);
  return found ? Number(found[1]) : undefined;
};

/** The object header (`12 0 obj`) at `offset`, whitespace before it allowed, as pdf.js allows it. */
function objectNumberAt(buffer: Buffer, offset: number): number | undefined {
  const header = /^\s*(\d+)\s+\d+\s+obj\b/.exec(latin1(buffer, offset, offset + 64));
  return header ? Number(header[1]) : undefined;
}

/** The cross-reference section at `offset`: a classic table or a cross-reference stream, or nothing. */
function sectionAt(buffer: Buffer, offset: number): TableSection | StreamSection | undefined {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset >= buffer.length) return undefined;
  if (objectNumberAt(buffer, offset) !== undefined) {
    const dictionary = latin1(buffer, offset, offset + 4096).split(/\bstream\b/)[0] ?? '';
    return /\/Type\s*\/XRef\b/.test(dictionary) ? { kind: 'stream', prev: integerAfter(dictionary, 'Prev') } : undefined;
  }
  const trailerAt = buffer.indexOf('trailer', offset);
  if (trailerAt < 0) return undefined;
  const text = latin1(buffer, offset, trailerAt + 4096);
  const keyword = /^\s*xref\b/.exec(text);
  if (!keyword) return undefined;
  const entries: TableSection['entries'] = [];
  const subsection = /\s*(\d+)\s+(\d+)[ \t]*[\r\n]/y;
  const entry = /\s*(\d{1,10})\s+\d{1,5}\s+([nf])/y;
  let position = keyword[0].length;
  for (;;) {
    subsection.lastIndex = position;
    const header = subsection.exec(text);
    if (!header) break;
    position = subsection.lastIndex;
    const first = Number(header[1]);
    // A count no file of this size could hold is damage, not a reason to loop for long.
    const count = Math.min(Number(header[2]), Math.ceil(text.length / 18));
    for (let index = 0; index < count; index++) {
      entry.lastIndex = position;
      const read = entry.exec(text);
      if (!read) return undefined;
      position = entry.lastIndex;
      if (read[2] === 'n') entries.push({ number: first + index, offset: Number(read[1]) });
    }
  }
  const trailer = /^\s*trailer\b/.exec(text.slice(position));
  if (!trailer) return undefined;
  const dictionary = text.slice(position, position + 4096).split('startxref')[0] ?? '';
  return { kind: 'table', entries, prev: integerAfter(dictionary, 'Prev'), stream: integerAfter(dictionary, 'XRefStm') };
}

export interface StructuralDamage {
  /** What is wrong, in words, one finding each; empty for a sound file. */
  findings: string[];
  /** The file ends without its %%EOF marker: it was probably cut short. */
  truncated: boolean;
}

export function structuralDamage(bytes: Uint8Array): StructuralDamage {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const findings: string[] = [];
  const end = buffer.lastIndexOf('%%EOF');
  const truncated = end < 0;
  if (truncated) {
    findings.push('it ends without the %%EOF marker');
  } else {
    // Whitespace and comment lines after the marker are PDF syntax a reader skips; anything else is not.
    let junk = end + 5;
    while (junk < buffer.length) {
      if (WHITESPACE.has(buffer[junk]!)) junk++;
      else if (buffer[junk] === 0x25 /* % */) while (junk < buffer.length && buffer[junk] !== 0x0a && buffer[junk] !== 0x0d) junk++;
      else break;
    }
    if (junk < buffer.length) findings.push(`${buffer.length - junk} bytes of other data follow its %%EOF marker`);
  }

  const pointer = buffer.lastIndexOf('startxref', end < 0 ? buffer.length : end);
  const offset = pointer < 0 ? undefined : /^startxref\s+(\d+)/.exec(latin1(buffer, pointer, pointer + 40))?.[1];
  if (offset === undefined) {
    findings.push('it has no startxref pointer to its cross-reference table');
    return { findings, truncated };
  }

  let misplaced = 0;
  let checked = 0;
  const visited = new Set<number>();
  const queue = [Number(offset)];
  while (queue.length > 0 && visited.size < MAX_SECTIONS) {
    const at = queue.shift()!;
    if (visited.has(at)) continue;
    visited.add(at);
    const section = sectionAt(buffer, at);
    if (!section) {
      findings.push(
        visited.size === 1
          ? `its startxref pointer (byte ${at}) does not lead to a cross-reference table`
          : `an earlier cross-reference section it points to (byte ${at}) is missing`,
      );
      break;
    }
    if (section.kind === 'table') {
      for (const { number, offset: objectOffset } of section.entries) {
        checked++;
        if (objectNumberAt(buffer, objectOffset) !== number) misplaced++;
      }
      if (section.stream !== undefined) queue.push(section.stream);
    }
    if (section.prev !== undefined) queue.push(section.prev);
  }
  if (misplaced > 0) findings.push(`${misplaced} of the ${checked} objects its cross-reference table lists are not where it says`);
  return { findings, truncated };
}
