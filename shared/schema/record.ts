import { z } from 'zod';

/**
 * The record every document yields. This shape is the product's contract: the CLI's JSON Lines,
 * the stored records and the reports all use it, and `record.schema.json` is generated from it.
 */

export const recordStatusSchema = z.enum(['valid', 'needs_review', 'rejected']);
export const textSourceSchema = z.enum(['pdf-text', 'ocr', 'mixed']);
export const partyRoleSchema = z.enum(['funder', 'recipient']);
export const recipientKindSchema = z.enum(['landkreis', 'kreisfreie_stadt']);

const isoDate = z.iso.date().describe('Calendar date, ISO 8601 (YYYY-MM-DD)');

export const partySchema = z.object({
  role: partyRoleSchema,
  name: z.string().min(1).describe('Canonical name: the ministry as named in the document, the official name of the county or city'),
  shortName: z.string().min(1).optional().describe('Abbreviation the document uses for the party, such as "HMSI"'),
  kind: recipientKindSchema.optional().describe('For a recipient: Landkreis or kreisfreie Stadt'),
});

export const amountSchema = z.object({
  cents: z.number().int().nonnegative().describe('Amount in euro cents'),
  currency: z.literal('EUR'),
  text: z.string().min(1).describe('The amount exactly as written in the document'),
});

export const measureSchema = z.object({
  number: z.number().int().positive(),
  title: z.string().min(1),
  projects: z.array(z.string().min(1)),
});

export const signatureSchema = z.object({
  party: partyRoleSchema,
  place: z.string().min(1),
  date: isoDate.optional().describe('Calendar date, ISO 8601 (YYYY-MM-DD); absent when it could not be read (the record then needs review)'),
  name: z.string().min(1).optional().describe('Absent when it could not be read (the record then needs review)'),
  title: z
    .string()
    .min(1)
    .optional()
    .describe('The signatory\'s office, such as "Staatsministerin" or "Landrat"; absent when it could not be read'),
});

export const agreementSchema = z.object({
  title: z.string().min(1),
  program: z.string().min(1).describe('The budget the agreement implements, such as "Ausbildungs- und Qualifizierungsbudget"'),
  budgetYear: z.number().int(),
  parties: z.array(partySchema),
  amount: amountSchema,
  measures: z.array(measureSchema),
  signatures: z.array(signatureSchema),
});

export const recordIssueSchema = z.object({
  path: z.string().describe('Where in the record the issue is, such as "agreement.amount" or "document"'),
  code: z.string().describe('Stable machine-readable code, such as "amount.missing" or "limit.pages"'),
  message: z.string().min(1).describe('What is wrong, for a person'),
});

export const evidenceSourceSchema = z.enum(['pdf-text', 'tesseract', 'textract']);

/** A rectangle on a page in fractions of the page's width and height, origin top-left. */
export const evidenceBoxSchema = z.object({
  left: z.number().min(0).max(1),
  top: z.number().min(0).max(1),
  width: z.number().min(0).max(1),
  height: z.number().min(0).max(1),
});

export const evidenceSchema = z.object({
  path: z
    .string()
    .min(1)
    .describe('The value, in the syntax `review accept --set` takes: "agreement.amount", "agreement.measures[2].projects[0]", "agreement.signatures[1].date"'),
  page: z.number().int().positive().describe('The page the value was read on, from 1'),
  box: evidenceBoxSchema.describe('Where the words the value was read from lie on the page, in fractions of the page, origin top-left'),
  source: evidenceSourceSchema.describe('The reader: the text layer, tesseract.js or Amazon Textract'),
  confidence: z.number().min(0).max(1).describe('Mean word confidence of OCR; 1 for a text layer'),
  text: z.string().describe('The words as read, before normalisation'),
});

export const agreementRecordSchema = z.object({
  documentId: z.string().regex(/^sha256:[0-9a-f]{64}$/).describe('sha256 of the PDF bytes'),
  fileName: z.string(),
  status: recordStatusSchema,
  textSource: textSourceSchema,
  pages: z.number().int().nonnegative(),
  agreement: agreementSchema.partial().describe('Every field that could be read; a rejected document may have none'),
  issues: z.array(recordIssueSchema),
  evidence: z
    .array(evidenceSchema)
    .optional()
    .describe('Where each extracted value was read, one entry per value; absent in records stored before evidence existed'),
});

export type RecordStatus = z.infer<typeof recordStatusSchema>;
export type TextSource = z.infer<typeof textSourceSchema>;
export type PartyRole = z.infer<typeof partyRoleSchema>;
export type RecipientKind = z.infer<typeof recipientKindSchema>;
export type Party = z.infer<typeof partySchema>;
export type Amount = z.infer<typeof amountSchema>;
export type Measure = z.infer<typeof measureSchema>;
export type Signature = z.infer<typeof signatureSchema>;
export type Agreement = z.infer<typeof agreementSchema>;
export type RecordIssue = z.infer<typeof recordIssueSchema>;
export type EvidenceSource = z.infer<typeof evidenceSourceSchema>;
export type EvidenceBox = z.infer<typeof evidenceBoxSchema>;
export type Evidence = z.infer<typeof evidenceSchema>;
export type AgreementRecord = z.infer<typeof agreementRecordSchema>;
