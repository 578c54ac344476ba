import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { handWrittenPdf } from '../../fixtures/generator/bad-inputs.js';
import { structuralDamage } from '../../shared/pdf/damage.js';

const onePage = () =>
  handWrittenPdf(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>']);
const latin1 = (bytes: Buffer) => bytes.toString('latin1');
const edited = (bytes: Buffer, edit: (text: string) => string) => Buffer.from(edit(latin1(bytes)), 'latin1');
const sound = { findings: [], truncated: false };

/** The file with an incremental update appended: a new version of object 3 and a section chained by /Prev. */
function withUpdate(pdf: Buffer): Buffer {
  const previous = Number(/startxref\n(\d+)/.exec(latin1(pdf))![1]);
  const object = '3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] >>\nendobj\n';
  const xref = pdf.length + object.length;
  const section = `xref\n3 1\n${String(pdf.length).padStart(10, '0')} 00000 n \ntrailer\n<< /Size 4 /Root 1 0 R /Prev ${previous} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.concat([pdf, Buffer.from(object + section, 'latin1')]);
}

describe('structural damage', () => {
  it('finds none in a sound file, whitespace and comment lines after %%EOF included', () => {
    expect(structuralDamage(onePage())).toEqual(sound);
    expect(structuralDamage(Buffer.concat([onePage(), Buffer.from('\r\n\0\0  \n% scanned 2019-03-01\r\n%%EOF')]))).toEqual(sound);
  });

  it('follows incremental updates and cross-reference streams without finding damage', async () => {
    expect(structuralDamage(withUpdate(onePage()))).toEqual(sound);
    const document = await PDFDocument.create();
    document.addPage();
    const compressed = Buffer.from(await document.save({ useObjectStreams: true }));
    expect(latin1(compressed)).toMatch(/\/Type \/XRef/);
    expect(structuralDamage(compressed)).toEqual(sound);
  });

  it('names data after the %%EOF marker', () => {
    expect(structuralDamage(Buffer.concat([onePage(), Buffer.from('<html>junk</html>')]))).toEqual({
      findings: ['17 bytes of other data follow its %%EOF marker'],
      truncated: false,
    });
  });

  it('calls a file without %%EOF truncated', () => {
    const pdf = onePage();
    const cut = pdf.subarray(0, pdf.lastIndexOf('%%EOF'));
    expect(structuralDamage(cut)).toEqual({ findings: ['it ends without the %%EOF marker'], truncated: true });
    expect(structuralDamage(pdf.subarray(0, pdf.indexOf('xref')))).toEqual({
      findings: ['it ends without the %%EOF marker', 'it has no startxref pointer to its cross-reference table'],
      truncated: true,
    });
  });

  it('finds a startxref pointer that leads nowhere, and objects that are not where the table says', () => {
    const pdf = onePage();
    const pointer = Number(/startxref\n(\d+)/.exec(latin1(pdf))![1]);
    expect(structuralDamage(edited(pdf, (text) => text.replace(/startxref\n\d+/, `startxref\n${pointer - 30}`))).findings).toEqual([
      `its startxref pointer (byte ${pointer - 30}) does not lead to a cross-reference table`,
    ]);
    const shifted = edited(pdf, (text) => text.replace(/\n(\d{10}) 00000 n/, (_, offset: string) => `\n${String(Number(offset) + 5).padStart(10, '0')} 00000 n`));
    expect(structuralDamage(shifted).findings).toEqual(['1 of the 3 objects its cross-reference table lists are not where it says']);
  });

  it('finds a lost earlier section of an updated file', () => {
    const updated = withUpdate(onePage());
    const broken = edited(updated, (text) => text.replace(/\/Prev (\d+)/, (_, offset: string) => `/Prev ${Number(offset) + 3}`));
    const prev = Number(/\/Prev (\d+)/.exec(latin1(broken))![1]);
    expect(structuralDamage(broken).findings).toEqual([`an earlier cross-reference section it points to (byte ${prev}) is missing`]);
  });
});
