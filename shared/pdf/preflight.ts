import { createInflate } from 'node:zlib';
import type { ExtractionConfig } from '../config.js';

/**
 * Checks the raw bytes before any PDF library sees them, for the inputs that would otherwise cost
 * unbounded time or memory inside the parser: files that are not PDFs at all, decompression bombs and
 * absurdly deep object nesting. A damaged structure is no reason to reject a file here: see damage.ts.
 */

export interface Rejection {
  code: string;
  message: string;
}

/** Thrown where reading stops for a reason that becomes the document's rejection. */
export class PdfRejected extends Error {
  constructor(
    readonly rejection: Rejection,
    /** Page count, when the PDF could be opened far enough to know it. */
    readonly pages = 0,
  ) {
    super(rejection.message);
  }
}

/** How far into a file its %PDF- header may lie (readers allow some junk before it). */
export const PDF_HEADER_WINDOW = 1024;

const KNOWN_SIGNATURES: [RegExp, string][] = [
  [/^PK\x03\x04/, 'a ZIP archive (perhaps a Word or Excel file)'],
  [/^\xD0\xCF\x11\xE0/, 'an old Microsoft Office document'],
  [/^\x89PNG/, 'a PNG image'],
  [/^\xFF\xD8\xFF/, 'a JPEG image'],
  [/^(?:II\*\x00|MM\x00\*)/, 'a TIFF image'],
  [/^\s*<(?:!DOCTYPE|html)/i, 'an HTML page'],
  [/^\s*[{[]/, 'JSON or other text'],
];

function describeContent(head: string): string {
  for (const [signature, description] of KNOWN_SIGNATURES) if (signature.test(head)) return description;
  const printable = head.replace(/[^\x20-\x7E\n\r\t\u00A0-\u00FF]/g, '').length / Math.max(1, head.length);
  return printable > 0.95 ? 'plain text' : 'binary data of an unknown type';
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, Math.max(0, Math.min(end, bytes.length) - start)).toString('latin1');
}

/**
 * Why the bytes, a file's first `PDF_HEADER_WINDOW` of them at least, are not a PDF ("it has no %PDF-
 * header and looks like a PNG image"), or undefined when they carry the header.
 */
export function notPdfReason(head: Uint8Array): string | undefined {
  if (head.length === 0) return 'it is empty';
  const text = latin1(head, 0, PDF_HEADER_WINDOW);
  return text.includes('%PDF-') ? undefined : `it has no %PDF- header and looks like ${describeContent(text)}`;
}

export function checkEnvelope(bytes: Uint8Array, limits: ExtractionConfig['limits']): Rejection | undefined {
  if (bytes.length === 0) return { code: 'pdf.empty', message: 'The file is empty (0 bytes).' };
  if (bytes.length > limits.maxFileBytes) {
    return {
      code: 'limit.file_size',
      message: `The file has ${bytes.length} bytes, more than the limit of ${limits.maxFileBytes} bytes.`,
    };
  }
  const notPdf = notPdfReason(bytes);
  return notPdf ? { code: 'pdf.not_pdf', message: `This is not a PDF: ${notPdf}.` } : undefined;
}

const STREAM = Buffer.from('stream');
const ENDSTREAM = Buffer.from('endstream');

/** Inflated size of one Flate stream, counted without keeping the output; stops past `limit`. */
function inflatedSize(data: Uint8Array, limit: number): Promise<number> {
  return new Promise((resolve) => {
    const inflate = createInflate();
    let total = 0;
    inflate.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        inflate.destroy();
        resolve(total);
      }
    });
    // A damaged stream is the parser's business, not a resource problem.
    inflate.on('error', () => resolve(total));
    inflate.on('end', () => resolve(total));
    inflate.end(data);
  });
}

/**
 * Walks the file's objects once: tracks how deeply arrays and dictionaries nest (outside strings and
 * streams), and inflates every Flate stream far enough to know whether it stays under the limit.
 */
export async function checkStructure(bytes: Uint8Array, limits: ExtractionConfig['limits']): Promise<Rejection | undefined> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  let depth = 0;
  let maxDepth = 0;
  for (let index = 0; index < buffer.length; index++) {
    const byte = buffer[index];
    if (byte === 0x28 /* ( */) {
      index = skipString(buffer, index);
    } else if (byte === 0x25 /* % */) {
      while (index < buffer.length && buffer[index] !== 0x0a && buffer[index] !== 0x0d) index++;
    } else if (byte === 0x5b /* [ */ || (byte === 0x3c && buffer[index + 1] === 0x3c) /* << */) {
      depth++;
      if (byte === 0x3c) index++;
      if (depth > maxDepth) maxDepth = depth;
      if (maxDepth > limits.maxNestingDepth) {
        return {
          code: 'limit.nesting',
          message: `Objects in the PDF nest more than ${limits.maxNestingDepth} levels deep; such files are built to crash readers.`,
        };
      }
    } else if (byte === 0x5d /* ] */ || (byte === 0x3e && buffer[index + 1] === 0x3e) /* >> */) {
      depth = Math.max(0, depth - 1);
      if (byte === 0x3e) index++;
    } else if (byte === 0x73 /* s */ && buffer.subarray(index, index + STREAM.length).equals(STREAM) && isKeywordStart(buffer, index)) {
      const dataStart = index + STREAM.length + (buffer[index + 6] === 0x0d ? 2 : 1);
      const end = buffer.indexOf(ENDSTREAM, dataStart);
      const dataEnd = end < 0 ? buffer.length : end;
      const dictionary = buffer.subarray(Math.max(0, index - 512), index).toString('latin1');
      const ownDictionary = dictionary.slice(dictionary.lastIndexOf('obj'));
      if (/\/FlateDecode|\/Fl\b/.test(ownDictionary)) {
        const size = await inflatedSize(buffer.subarray(dataStart, dataEnd), limits.maxDecompressedStreamBytes);
        if (size > limits.maxDecompressedStreamBytes) {
          return {
            code: 'limit.decompressed_size',
            message: `A compressed stream inflates to more than ${limits.maxDecompressedStreamBytes} bytes (limit); this looks like a decompression bomb.`,
          };
        }
      }
      depth = 0;
      index = end < 0 ? buffer.length : end + ENDSTREAM.length - 1;
    }
  }
  return undefined;
}

function isKeywordStart(buffer: Buffer, index: number): boolean {
  const before = buffer[index - 1];
  const after = buffer[index + STREAM.length];
  const delimiterBefore = before === undefined || before === 0x3e || before === 0x20 || before === 0x0a || before === 0x0d;
  return delimiterBefore && (after === 0x0a || after === 0x0d);
}

/** Index of the ")" closing the literal string opened at `start`, honouring escapes and nested parentheses. */
function skipString(buffer: Buffer, start: number): number {
  let nesting = 0;
  for (let index = start; index < buffer.length; index++) {
    const byte = buffer[index];
    if (byte === 0x5c /* \ */) index++;
    else if (byte === 0x28) nesting++;
    else if (byte === 0x29 && --nesting === 0) return index;
  }
  return buffer.length;
}
