import { GetDocumentTextDetectionCommand, StartDocumentTextDetectionCommand, TextractClient } from '@aws-sdk/client-textract';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { extractAgreement } from '../../shared/extract/agreement.js';
import { extractMeasures } from '../../shared/extract/measures.js';
import { geometryOnPage } from '../../shared/ocr/engine.js';
import { pagesFromBlocks, startTextDetection, TextractJobFailed, textDetectionBlocks } from '../../shared/ocr/textract.js';
import { extractionConfigSchema } from '../../shared/config.js';
import { extractDocument } from '../../shared/extract-document.js';
import { PdfDocument } from '../../shared/pdf/document.js';
import { expectBoxesHoldTheirValues, expectEvidenceForEveryValue } from '../support/evidence.js';
import { fixtureBytes, loadFixtures } from '../support/fixtures.js';
import { textractPage as page, textractPagesFromText } from '../support/textract.js';

const textract = mockClient(TextractClient);
beforeEach(() => textract.reset());

describe('Textract text detection', () => {
  it('starts an asynchronous job on the PDF in S3 that reports to SNS', async () => {
    textract.on(StartDocumentTextDetectionCommand).resolves({ JobId: 'job-1' });
    const jobId = await startTextDetection(new TextractClient({}), {
      bucket: 'uploads', key: 'incoming/scan.pdf', jobTag: 'sha256-abc',
      notification: { topicArn: 'arn:aws:sns:eu-central-1:1:textract', roleArn: 'arn:aws:iam::1:role/textract' },
    });
    expect(jobId).toBe('job-1');
    expect(textract.commandCalls(StartDocumentTextDetectionCommand)[0]?.args[0].input).toEqual({
      DocumentLocation: { S3Object: { Bucket: 'uploads', Name: 'incoming/scan.pdf' } },
      NotificationChannel: { SNSTopicArn: 'arn:aws:sns:eu-central-1:1:textract', RoleArn: 'arn:aws:iam::1:role/textract' },
      JobTag: 'sha256-abc',
    });
  });

  it('pages through the results with NextToken and keeps every page', async () => {
    const first = page(1, [['Zielvereinbarung', 0.4, 0.1], ['2019', 0.47, 0.13]]);
    const second = page(2, [['Wiesbaden, den 17.03.2019', 0.1, 0.5], ['Kassel, den 01.04.2019', 0.55, 0.5035]]);
    textract
      .on(GetDocumentTextDetectionCommand, { JobId: 'job-2', NextToken: undefined })
      .resolves({ JobStatus: 'SUCCEEDED', DocumentMetadata: { Pages: 2 }, Blocks: first, NextToken: 'more' })
      .on(GetDocumentTextDetectionCommand, { JobId: 'job-2', NextToken: 'more' })
      .resolves({ JobStatus: 'SUCCEEDED', DocumentMetadata: { Pages: 2 }, Blocks: second });
    const blocks = await textDetectionBlocks(new TextractClient({}), 'job-2');
    expect(textract.commandCalls(GetDocumentTextDetectionCommand)).toHaveLength(2);
    const pages = pagesFromBlocks(blocks);
    expect([...pages.keys()]).toEqual([1, 2]);
    expect(pages.get(1)?.lines).toEqual(['Zielvereinbarung', '2019']);
    // Two signature blocks side by side come back as one line with the column separator.
    expect(pages.get(2)?.lines).toEqual(['Wiesbaden, den 17.03.2019\tKassel, den 01.04.2019']);
    // The page's confidence is its words' (99.1), not its lines' (98.4).
    expect(pages.get(2)?.confidence).toBeCloseTo(0.991);
  });

  it('places each word of a line by its WORD block, in shares of the page, with its confidence as a share', () => {
    const pages = pagesFromBlocks(page(1, [['1. Ausbildungsvorbereitung', 0.1, 0.3], ['Jugendwerkstatt Nord', 0.2, 0.32]]));
    expect(pages.get(1)?.size).toEqual({ width: 1, height: 1 });
    const words = pages.get(1)?.geometry.map((line) => line?.words.map(({ text, left, top, right, bottom, confidence }) => [text, left, top, right, bottom, confidence].map((value) => (typeof value === 'number' ? Math.round(value * 1000) / 1000 : value))));
    expect(words).toEqual([
      [['1.', 0.1, 0.3, 0.116, 0.312, 0.991], ['Ausbildungsvorbereitung', 0.12, 0.3, 0.304, 0.312, 0.991]],
      [['Jugendwerkstatt', 0.2, 0.32, 0.32, 0.332, 0.991], ['Nord', 0.324, 0.32, 0.356, 0.332, 0.991]],
    ]);
  });

  it('lets a project whose bullet left no trace be read from its indent, on the page the PDF says it is', () => {
    const read = pagesFromBlocks(page(1, [['1. Teilzeitausbildung für Menschen mit familiensorgenden Tätigkeiten', 0.1, 0.3], ['Werkstatt Zukunft', 0.2, 0.32]])).get(1)!;
    const a4 = { width: 595.28, height: 841.89 };
    expect(extractMeasures(read.lines, 0, geometryOnPage(read, a4))?.measures).toEqual([
      { number: 1, title: 'Teilzeitausbildung für Menschen mit familiensorgenden Tätigkeiten', projects: ['Werkstatt Zukunft'] },
    ]);
    // Without positions the same lines read as one wrapped title.
    expect(extractMeasures(read.lines, 0)?.measures[0]?.projects).toEqual([]);
  });

  it('says why when the job failed', async () => {
    textract.on(GetDocumentTextDetectionCommand).resolves({ JobStatus: 'FAILED', StatusMessage: 'UNSUPPORTED_DOCUMENT' });
    await expect(textDetectionBlocks(new TextractClient({}), 'job-3')).rejects.toThrow(new TextractJobFailed('the Textract job failed: UNSUPPORTED_DOCUMENT'));
  });

  it('gives lines the extraction reads like any other text', () => {
    const blocks = page(1, [
      ['Wiesbaden, den 17.03.2019', 0.1, 0.5], ['Kassel, den 01.04.2019', 0.55, 0.5],
      ['Anne Janz', 0.1, 0.58], ['Stefan Lange', 0.55, 0.58],
      ['Staatssekretärin', 0.1, 0.6], ['Stadtrat', 0.55, 0.6],
    ]);
    const { facts } = extractAgreement(pagesFromBlocks(blocks).get(1)?.lines ?? []);
    expect(facts.signatureBlocks.map(({ party, place, date, name, title }) => ({ party, place, date, name, title }))).toEqual([
      { party: 'funder', place: 'Wiesbaden', date: '2019-03-17', name: 'Anne Janz', title: 'Staatssekretärin' },
      { party: 'recipient', place: 'Kassel', date: '2019-04-01', name: 'Stefan Lange', title: 'Stadtrat' },
    ]);
  });
});

describe('evidence from Textract', () => {
  const config = extractionConfigSchema.parse({});
  const digital = loadFixtures().filter((fixture) => fixture.category === 'digital');

  it.each(digital.map((fixture) => [fixture.path, fixture] as const))('%s read by Textract has every value where Textract placed its words', async (_, fixture) => {
    const bytes = fixtureBytes(fixture);
    const document = await PdfDocument.open(bytes, config.limits);
    const texts = await document.pageTexts().finally(() => document.close());
    const readings = pagesFromBlocks(textractPagesFromText(texts));
    const record = await extractDocument(bytes, fixture.expected.fileName, { config, ocrReadings: readings, now: () => new Date('2026-11-25T00:00:00Z') });
    expect(record.textSource).toBe('ocr');
    expect(record.agreement).toEqual(fixture.expected.agreement);
    expectEvidenceForEveryValue(record);
    expect(new Set(record.evidence?.map((evidence) => `${evidence.source} ${evidence.confidence}`))).toEqual(new Set(['textract 0.991']));
    await expectBoxesHoldTheirValues(bytes, record);
  });
});
