import { App, Aspects } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { PipelineStack, pipelineSettingsSchema } from '../../infra/pipeline-stack.js';

/** Synthesises the stack as `cdk synth` does, without bundling the function code (that is esbuild's job). */
function synthesize() {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new PipelineStack(app, 'Pipeline', { settings: pipelineSettingsSchema.parse({}) });
  Aspects.of(app).add(new AwsSolutionsChecks());
  const template = Template.fromStack(stack);
  return { stack, template };
}

const { stack, template } = synthesize();

describe('pipeline stack', () => {
  it('has an upload bucket that is private, TLS-only, encrypted and versioned', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'uploads/' }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      }),
    });
  });

  it('sends objects created under incoming/ to the ingest queue', () => {
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: {
        QueueConfigurations: [
          Match.objectLike({
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'incoming/' }] } },
          }),
        ],
      },
    });
  });

  it('retries a message three times, then parks it in an encrypted dead-letter queue', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 3 },
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 1800,
    });
    template.resourceCountIs('AWS::SQS::Queue', 2);
  });

  it('runs the ingest function on Node.js 22, arm64, fed by the queue with partial batch failures', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Timeout: 300,
      TracingConfig: { Mode: 'Active' },
      Environment: { Variables: Match.objectLike({ EXTRACTION_OCR: 'never', POWERTOOLS_SERVICE_NAME: 'zielvereinbarungen' }) },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('grants the function reads under incoming/ and writes under records/ and quarantine/ only', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    const statements = Object.values(policies).flatMap((policy) => policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const s3Writes = statements.filter((statement) => [statement.Action].flat().some((action) => action.startsWith('s3:PutObject')));
    expect(JSON.stringify(s3Writes.map((statement) => statement.Resource))).toMatch(/records\/\*/);
    expect(JSON.stringify(s3Writes.map((statement) => statement.Resource))).toMatch(/quarantine\/\*/);
    expect(JSON.stringify(s3Writes.map((statement) => statement.Resource))).not.toMatch(/incoming\/\*/);
    const s3Reads = statements.filter((statement) => [statement.Action].flat().includes('s3:GetObject*'));
    expect(JSON.stringify(s3Reads.map((statement) => statement.Resource))).toMatch(/incoming\/\*/);
  });

  it('keeps records in an on-demand table with point-in-time recovery and an index per access pattern', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'documentId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      GlobalSecondaryIndexes: [
        Match.objectLike({ IndexName: 'byRecipientYear', KeySchema: [{ AttributeName: 'recipient', KeyType: 'HASH' }, { AttributeName: 'budgetYear', KeyType: 'RANGE' }] }),
        Match.objectLike({ IndexName: 'byStatus', KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }, { AttributeName: 'updatedAt', KeyType: 'RANGE' }] }),
        Match.objectLike({ IndexName: 'byBatch', KeySchema: [{ AttributeName: 'batchId', KeyType: 'HASH' }, { AttributeName: 'documentId', KeyType: 'RANGE' }] }),
      ],
    });
  });

  it('alarms on dead letters, function errors and the age of the oldest message', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    for (const metricName of ['ApproximateNumberOfMessagesVisible', 'Errors', 'ApproximateAgeOfOldestMessage']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: metricName });
    }
  });

  it('names its bucket and table in the outputs', () => {
    template.hasOutput('UploadBucketName', {});
    template.hasOutput('RecordsTableName', {});
  });

  it('passes cdk-nag AwsSolutions checks with no unsuppressed error or warning', () => {
    const errors = Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'));
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'));
    expect(errors.map((finding) => `${finding.id}: ${String(finding.entry.data)}`)).toEqual([]);
    expect(warnings.map((finding) => `${finding.id}: ${String(finding.entry.data)}`)).toEqual([]);
  });
});
