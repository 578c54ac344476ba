import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { extractionConfigSchema } from '../../shared/config.js';
import { checkEnvelope, checkStructure, notPdfReason } from '../../shared/pdf/preflight.js';

const limits = extractionConfigSchema.parse({}).limits;
const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));
const pdfWith = (body: string) => bytes(`%PDF-1.7\n${body}\ntrailer << /Root 1 0 R >>\n%%EOF\n`);

describe('envelope checks', () => {
  it('rejects an empty file', () => {
    expect(checkEnvelope(new Uint8Array(), limits)?.code).toBe('pdf.empty');
  });

  it('says what a file that is not a PDF looks like', () => {
    expect(checkEnvelope(bytes('<!DOCTYPE html><html>…'), limits)).toEqual({
      code: 'pdf.not_pdf',
      message: 'This is not a PDF: it has no %PDF- header and looks like an HTML page.',
    });
    expect(checkEnvelope(bytes('PK\x03\x04rest'), limits)?.message).toContain('ZIP archive');
    expect(checkEnvelope(bytes('Sehr geehrte Damen und Herren'), limits)?.message).toContain('plain text');
  });

  it('leaves a PDF that ends without %%EOF to the reader, which may still read its pages', () => {
    expect(checkEnvelope(bytes('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n'), limits)).toBeUndefined();
  });

  it('says why bytes are not a PDF, for a file looked at before it is sent anywhere', () => {
    expect(notPdfReason(bytes('\x89PNG\r\n'))).toBe('it has no %PDF- header and looks like a PNG image');
    expect(notPdfReason(new Uint8Array())).toBe('it is empty');
    expect(notPdfReason(bytes('junk\n%PDF-1.4\n'))).toBeUndefined();
  });

  it('rejects a file over the size limit, naming the limit', () => {
    const rejection = checkEnvelope(pdfWith(''), { ...limits, maxFileBytes: 10 });
    expect(rejection?.code).toBe('limit.file_size');
    expect(rejection?.message).toContain('limit of 10 bytes');
  });

  it('accepts a well-formed PDF envelope', () => {
    expect(checkEnvelope(pdfWith('1 0 obj << /Type /Catalog >> endobj'), limits)).toBeUndefined();
  });
});

describe('structure checks', () => {
  it('rejects deep nesting with a clear code', async () => {
    const rejection = await checkStructure(pdfWith(`1 0 obj ${'['.repeat(300)}${']'.repeat(300)} endobj`), limits);
    expect(rejection?.code).toBe('limit.nesting');
    const inString = await checkStructure(pdfWith(`1 0 obj (${'['.repeat(300)}) endobj`), limits);
    expect(inString).toBeUndefined();
  });

  it('rejects a Flate stream that inflates past the limit, and accepts one that does not', async () => {
    const bomb = deflateSync(Buffer.alloc(4 * 1024 * 1024));
    const stream = (data: Buffer) =>
      Buffer.concat([
        Buffer.from(`%PDF-1.7\n4 0 obj << /Length ${data.length} /Filter /FlateDecode >>\nstream\n`, 'latin1'),
        data,
        Buffer.from('\nendstream\nendobj\ntrailer << >>\n%%EOF\n', 'latin1'),
      ]);
    const small = { ...limits, maxDecompressedStreamBytes: 1024 * 1024 };
    expect((await checkStructure(stream(bomb), small))?.code).toBe('limit.decompressed_size');
    expect(await checkStructure(stream(deflateSync(Buffer.alloc(1000))), small)).toBeUndefined();
  });
});
