import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { App } from 'aws-cdk-lib';
import { pipelineSettingsSchema } from '../../infra/pipeline-settings.js';
import { PipelineStack } from '../../infra/pipeline-stack.js';

/**
 * Synthesized templates, and the values CloudFormation would put where a template refers to one of its
 * own resources: a name, URL or ARN of the right form for each resource type, as a function sees them in
 * its environment once deployed.
 */

export type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, any>; Metadata?: Record<string, any> }>; Outputs?: Record<string, unknown> };

const ACCOUNT = '123456789012';
const REGION = 'eu-central-1';

/** What `Ref` gives for a resource of this type. */
function referenceTo(logicalId: string, type: string): string {
  const name = logicalId.toLowerCase();
  switch (type) {
    case 'AWS::SQS::Queue':
      return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`;
    case 'AWS::SNS::Topic':
      return `arn:aws:sns:${REGION}:${ACCOUNT}:${name}`;
    default:
      return name;
  }
}

/** What `Fn::GetAtt` gives for an attribute of a resource of this type. */
function attributeOf(logicalId: string, type: string, attribute: string): string {
  const service = type.split('::')[1]!.toLowerCase();
  const name = logicalId.toLowerCase();
  if (attribute === 'Arn') return service === 'iam' ? `arn:aws:iam::${ACCOUNT}:role/${name}` : `arn:aws:${service}:${REGION}:${ACCOUNT}:${name}`;
  if (attribute === 'QueueUrl') return referenceTo(logicalId, type);
  if (attribute === 'QueueName' || attribute === 'TopicName') return name;
  throw new Error(`no placeholder for ${logicalId}.${attribute} (${type})`);
}

/** A template value with every reference to the template's own resources replaced by a placeholder. */
export function resolveValue(value: unknown, template: Template): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => resolveValue(item, template));
  const entries = Object.entries(value);
  if (entries.length === 1) {
    const [[intrinsic, argument]] = entries as [[string, any]];
    const typeOf = (logicalId: string) => {
      const resource = template.Resources[logicalId];
      if (!resource) throw new Error(`the template has no resource ${logicalId}`);
      return resource.Type;
    };
    if (intrinsic === 'Ref') return argument === 'AWS::Region' ? REGION : argument === 'AWS::AccountId' ? ACCOUNT : argument === 'AWS::URLSuffix' ? 'amazonaws.com' : referenceTo(argument, typeOf(argument));
    if (intrinsic === 'Fn::GetAtt') return attributeOf(argument[0], typeOf(argument[0]), argument[1]);
    if (intrinsic === 'Fn::Join') return (resolveValue(argument[1], template) as unknown[]).join(argument[0]);
  }
  return Object.fromEntries(entries.map(([key, item]) => [key, resolveValue(item, template)]));
}

/** The project's functions in a template (CDK's own custom-resource functions left out), by construct id. */
/** The project's own functions (not CDK's custom resources). */
export type PipelineFunctionId = 'Ingest' | 'OcrComplete' | 'Report' | 'MigrateBatches';

export function pipelineFunctions(template: Template) {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
    .map(([logicalId, resource]) => ({ id: /^(Ingest|OcrComplete|Report|MigrateBatches)[0-9A-F]{8}$/.exec(logicalId)?.[1], logicalId, resource }))
    .filter((found): found is typeof found & { id: PipelineFunctionId } => found.id !== undefined);
}

/** The environment a function gets once deployed. */
export function functionEnvironment(template: Template, logicalId: string): Record<string, string> {
  return resolveValue(template.Resources[logicalId]!.Properties!.Environment?.Variables ?? {}, template) as Record<string, string>;
}

export const OCR_ENGINES = ['textract', 'tesseract', 'none'] as const;
export const ARCHITECTURES = ['arm64', 'x86_64'] as const;

/** The stack of one configuration, in an app of its own, without bundling the functions' code. */
export function pipelineStack(settings: Record<string, unknown>) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new PipelineStack(app, 'Pipeline', { settings: pipelineSettingsSchema.parse(settings) });
  return { app, stack };
}

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The project's CDK app synthesized as `cdk synth -c key=value` does, functions bundled, into `outdir`
 * (in another process: bundling runs esbuild and npm for a while). Returns the stack's template; each
 * function names its asset's folder in its metadata.
 */
export async function synthesizeApp(context: Record<string, string>, outdir: string): Promise<Template> {
  await promisify(execFile)(join(root, 'node_modules/.bin/tsx'), ['infra/app.ts'], {
    cwd: root,
    env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify({ ...context, 'aws:cdk:enable-asset-metadata': true }) },
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(readFileSync(join(outdir, 'ZielvereinbarungenPipeline.template.json'), 'utf8'));
}
