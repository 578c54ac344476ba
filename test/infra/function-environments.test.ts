import { Template as Assertions } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ingestEnvSchema, migrateBatchesEnvSchema, ocrCompleteEnvSchema, reportEnvSchema } from '../../functions/commons/settings.js';
import { ARCHITECTURES, functionEnvironment, OCR_ENGINES, type PipelineFunctionId, pipelineFunctions, pipelineStack, type Template } from '../support/template.js';

/**
 * Every function of every supported configuration starts only if its environment parses with its own
 * schema: each configuration is synthesized, and each function's environment, with the template's
 * references replaced by names and ARNs of the deployed form, is parsed as the function parses it at
 * cold start. A function is also given nothing its schema does not read.
 */
const SCHEMAS: Record<PipelineFunctionId, z.ZodType> = {
  Ingest: ingestEnvSchema,
  OcrComplete: ocrCompleteEnvSchema,
  Report: reportEnvSchema,
  MigrateBatches: migrateBatchesEnvSchema,
};

const synthesize = (settings: Record<string, unknown>) => Assertions.fromStack(pipelineStack(settings).stack).toJSON() as Template;

describe('function environments', () => {
  for (const ocr of OCR_ENGINES) {
    for (const architecture of ARCHITECTURES) {
      it(`parses with each function's schema where ocr=${ocr}, architecture=${architecture}`, () => {
        const template = synthesize({ ocr, architecture });
        const functions = pipelineFunctions(template);
        expect(functions.map((found) => found.id).sort()).toEqual(ocr === 'textract' ? ['Ingest', 'MigrateBatches', 'OcrComplete', 'Report'] : ['Ingest', 'MigrateBatches', 'Report']);
        for (const { id, logicalId } of functions) {
          const environment = functionEnvironment(template, logicalId);
          const parsed = SCHEMAS[id].safeParse(environment);
          expect(parsed.error?.issues ?? [], `${id}: ${JSON.stringify(environment)}`).toEqual([]);
          const read = parsed.data as Record<string, unknown>;
          expect(Object.keys(environment).filter((key) => !(key in read)), `${id} is given settings it does not read`).toEqual([]);
          if (id === 'Ingest') expect(environment.OCR_ENGINE).toBe(ocr);
        }
      });
    }
  }

  it('gives the report function no OCR settings and no queue: where records and batches are, and the price it estimates Textract at', () => {
    const template = synthesize({});
    const [report] = pipelineFunctions(template).filter((found) => found.id === 'Report');
    expect(Object.keys(functionEnvironment(template, report!.logicalId)).sort()).toEqual(['BATCHES_TABLE', 'BATCH_MEMBERS_TABLE', 'RECORDS_TABLE', 'TEXTRACT_PRICE_PER_1000_PAGES_USD', 'UPLOAD_BUCKET']);
  });

  it('points the Textract functions at a stand-in only where the deployment names one', () => {
    const endpointOf = (template: Template) =>
      Object.fromEntries(pipelineFunctions(template).map(({ id, logicalId }) => [id, functionEnvironment(template, logicalId).AWS_ENDPOINT_URL_TEXTRACT]));
    expect(endpointOf(synthesize({}))).toEqual({ Ingest: undefined, OcrComplete: undefined, Report: undefined, MigrateBatches: undefined });
    const local = 'http://127.0.0.1:45123';
    expect(endpointOf(synthesize({ textractEndpoint: local }))).toEqual({ Ingest: local, OcrComplete: local, Report: undefined, MigrateBatches: undefined });
  });
});
