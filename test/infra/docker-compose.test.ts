import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Template as Assertions } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ARCHITECTURES, OCR_ENGINES, pipelineStack, type Template } from '../support/template.js';

/**
 * LocalStack starts only the services named in SERVICES: the compose file must name every service a
 * synthesized template of any configuration uses, and what deploying needs besides (CloudFormation, and
 * STS, SSM and ECR for `cdk bootstrap`).
 */
const compose = readFileSync(fileURLToPath(new URL('../../docker-compose.yml', import.meta.url)), 'utf8');
const enabled = new Set(/SERVICES=([a-z0-9,-]+)/.exec(compose)?.[1]?.split(',') ?? []);

/** The LocalStack service a resource type belongs to; CDK's custom resources run as Lambda functions. */
const serviceOf = (type: string) => (type.startsWith('Custom::') ? 'lambda' : type === 'AWS::CDK::Metadata' ? 'cloudformation' : type.split('::')[1]!.toLowerCase());

describe('docker-compose.yml for LocalStack', () => {
  it('enables what deploying needs', () => {
    for (const service of ['cloudformation', 'sts', 'ssm', 'ecr', 's3', 'iam']) expect(enabled, service).toContain(service);
  });

  for (const ocr of OCR_ENGINES) {
    for (const architecture of ARCHITECTURES) {
      it(`enables every service the template uses where ocr=${ocr}, architecture=${architecture}`, () => {
        const template = Assertions.fromStack(pipelineStack({ ocr, architecture }).stack).toJSON() as Template;
        const used = [...new Set(Object.values(template.Resources).map((resource) => serviceOf(resource.Type)))].sort();
        expect(used.filter((service) => !enabled.has(service)), `used: ${used.join(', ')}`).toEqual([]);
      });
    }
  }
});
