import { App, Aspects } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { pipelineSettingsSchema, readerBudget } from '../../infra/pipeline-settings.js';
import { PipelineStack } from '../../infra/pipeline-stack.js';

/** Synthesises the stack as `cdk synth` does, without bundling the function code (that is esbuild's job). */
function synthesize(settings: Record<string, unknown> = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new PipelineStack(app, 'Pipeline', { settings: pipelineSettingsSchema.parse(settings) });
  Aspects.of(app).add(new AwsSolutionsChecks());
  const template = Template.fromStack(stack);
  return { stack, template };
}

const { stack, template } = synthesize();

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Principal?: unknown };
const statementsOf = (policies: Record<string, Record<string, any>>) =>
  Object.values(policies).flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
const actionsOf = (statement: Statement) => [statement.Action].flat();
/** The policy statements attached to the role of the function whose logical id starts with `id`. */
function functionStatements(id: string) {
  const [roleId] = Object.keys(template.findResources('AWS::IAM::Role')).filter((logicalId) => logicalId.startsWith(`${id}ServiceRole`));
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
  return statementsOf(policies);
}

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

  it('retries a message three times, then parks it in an encrypted dead-letter queue of its kind', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 3 },
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 1800,
    });
    // The ingest queue and the report-request queue, each with a dead-letter queue of its own, and the
    // OCR-complete function's, which takes the SNS events it failed on.
    template.resourceCountIs('AWS::SQS::Queue', 5);
    const queues = template.findResources('AWS::SQS::Queue');
    const deadLetterIds = Object.keys(queues).filter((id) => /DeadLetters/.test(id));
    expect(deadLetterIds.map((id) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['IngestDeadLetters', 'OcrCompleteDeadLetters', 'ReportDeadLetters']);
    for (const id of deadLetterIds) expect(queues[id]!.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    const targets = Object.values(queues).flatMap((queue) => (queue.Properties.RedrivePolicy ? [JSON.stringify(queue.Properties.RedrivePolicy.deadLetterTargetArn)] : []));
    expect(new Set(targets).size).toBe(2);
    template.hasResourceProperties('AWS::Lambda::Function', { DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OcrCompleteDeadLetters'), 'Arn'] } } });
    // The ingest function knows which delivery is the last, to record the document's failure on it.
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ OCR_ENGINE: 'textract', MAX_RECEIVE_COUNT: '3' }) } });
    // The OCR-complete function knows how many attempts Lambda makes at a notice, to record the document's
    // failure at the last, and where to park what its sweep failed on.
    const [completeId] = Object.keys(template.findResources('AWS::Lambda::Function', { Properties: { DeadLetterConfig: Match.anyValue() } }));
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: { Ref: completeId }, MaximumRetryAttempts: 2 });
    template.hasResourceProperties('AWS::Lambda::Function', {
      DeadLetterConfig: Match.anyValue(),
      Environment: { Variables: Match.objectLike({ OCR_COMPLETION_ATTEMPTS: '3', OCR_COMPLETE_DEAD_LETTER_QUEUE_URL: { Ref: Match.stringLikeRegexp('^OcrCompleteDeadLetters') } }) },
    });
  });

  it('runs the ingest function on Node.js 22, arm64, fed by the queue with partial batch failures', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Timeout: 300,
      TracingConfig: { Mode: 'Active' },
      Environment: { Variables: Match.objectLike({ OCR_ENGINE: 'textract', TEXTRACT_TOPIC_ARN: Match.anyValue(), TEXTRACT_ROLE_ARN: Match.anyValue() }) },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it.each(['textract', 'tesseract', 'none'])(
    'gives every function that reads documents (ocr=%s) readers whose limits fit its memory, and time to store a stopped document',
    (ocr) => {
      const { template: synthesized } = synthesize({ ocr, functionTimeoutSeconds: 90 });
      const functions = Object.values(synthesized.findResources('AWS::Lambda::Function')).filter((fn) => fn.Properties.Environment?.Variables?.EXTRACTION_READERS);
      expect(functions.length).toBe(ocr === 'textract' ? 2 : 1);
      const mappings = Object.values(synthesized.findResources('AWS::Lambda::EventSourceMapping'));
      for (const { Properties: fn } of functions) {
        const readers = Number(fn.Environment.Variables.EXTRACTION_READERS);
        const readerMemory = Number(fn.Environment.Variables.EXTRACTION_MEMORY_MIB);
        const documentTimeout = Number(fn.Environment.Variables.EXTRACTION_TIMEOUT_MS);
        // The function's own process keeps at least 384 MiB (1280 with tesseract.js in it).
        expect(fn.MemorySize - readers * readerMemory).toBeGreaterThanOrEqual(ocr === 'tesseract' && readers === 2 ? 1280 : 384);
        expect(readerMemory).toBeGreaterThanOrEqual(512);
        // Every message of a batch is read at once; each has at least 15 s left to be stored.
        expect(documentTimeout).toBeLessThanOrEqual((fn.Timeout - 15) * 1000);
        expect(documentTimeout).toBeGreaterThan(0);
      }
      const ingestMapping = mappings.find((mapping) => mapping.Properties.FunctionResponseTypes);
      const ingest = functions.find(({ Properties: fn }) => fn.MemorySize === (ocr === 'tesseract' ? 3008 : 1024) && fn.Environment.Variables.EXTRACTION_READERS === String(ingestMapping?.Properties.BatchSize));
      expect(ingest).toBeDefined();
    },
  );

  it('fits readers into a function, or says why not', () => {
    expect(readerBudget({ memorySizeMiB: 1024, timeoutSeconds: 300, readers: 1, ownMemoryMiB: 384 })).toEqual({
      environment: { EXTRACTION_READERS: '1', EXTRACTION_MEMORY_MIB: '640', EXTRACTION_TIMEOUT_MS: '240000' },
      batchSize: 1,
    });
    expect(readerBudget({ memorySizeMiB: 3008, timeoutSeconds: 60, readers: 2, ownMemoryMiB: 1280 }).environment).toEqual({
      EXTRACTION_READERS: '2',
      EXTRACTION_MEMORY_MIB: '864',
      EXTRACTION_TIMEOUT_MS: '45000',
    });
    expect(() => readerBudget({ memorySizeMiB: 512, timeoutSeconds: 300, readers: 2, ownMemoryMiB: 384 })).toThrow(
      '2 readers in 512 MB, 384 MB kept for the function, leave each less than 256 MiB',
    );
  });

  it('grants the ingest function reads under incoming/, writes under records/, quarantine/ and ocr-input/ only', () => {
    const statements = functionStatements('Ingest');
    const writes = JSON.stringify(statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('s3:PutObject'))).map((statement) => statement.Resource));
    expect(writes).toMatch(/records\/\*/);
    expect(writes).toMatch(/quarantine\/\*/);
    expect(writes).toMatch(/ocr-input\/\*/);
    expect(writes).not.toMatch(/incoming\/\*/);
    const reads = JSON.stringify(statements.filter((statement) => actionsOf(statement).includes('s3:GetObject*')).map((statement) => statement.Resource));
    expect(reads).toMatch(/incoming\/\*/);
    expect(reads).not.toMatch(/records\/\*/);
    expect(statements.flatMap(actionsOf)).toContain('textract:StartDocumentTextDetection');
    expect(statements.flatMap(actionsOf)).not.toContain('textract:GetDocumentTextDetection');
    expect(statements.flatMap(actionsOf)).toContain('iam:PassRole');
  });

  it('sends scanned pages to Textract, which reports to an encrypted topic feeding the OCR-complete function', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'textract.amazonaws.com' } })] }),
    });
    const [publisherRole] = Object.keys(template.findResources('AWS::IAM::Role')).filter((id) => id.startsWith('TextractPublisher'));
    const publisher = statementsOf(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: publisherRole }] } })).flatMap(actionsOf);
    expect(publisher).toContain('sns:Publish');
    expect(publisher).toEqual(expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']));
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Environment: { Variables: Match.objectLike({ TEXTRACT_TOPIC_ARN: Match.anyValue(), TEXTRACT_ROLE_ARN: Match.anyValue() }) },
      DeadLetterConfig: { TargetArn: Match.anyValue() },
    });
    const completion = functionStatements('OcrComplete').flatMap(actionsOf);
    expect(completion).toContain('textract:GetDocumentTextDetection');
    expect(completion).not.toContain('textract:StartDocumentTextDetection');
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Prefix: 'ocr-input/', ExpirationInDays: 7 })]) },
    });
    // A lost completion notice is looked after by a sweep on a schedule.
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(15 minutes)', State: 'ENABLED' });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ TEXTRACT_TOPIC_ARN: Match.anyValue(), OCR_JOB_PATIENCE_SECONDS: '3600' }) } });
  });

  it('runs tesseract.js inside the ingest function, with no Textract resources, where OCR is tesseract', () => {
    const local = synthesize({ ocr: 'tesseract', architecture: 'x86_64' }).template;
    local.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['x86_64'],
      MemorySize: 3008,
      Environment: { Variables: Match.objectLike({ OCR_ENGINE: 'tesseract' }) },
    });
    local.resourceCountIs('AWS::SNS::Topic', 0);
    local.resourceCountIs('AWS::KMS::Key', 0);
    expect(JSON.stringify(local.toJSON())).not.toMatch(/textract:/);
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
        // Sparse, holding the names of projects and signatories the records vouch for and nothing else.
        Match.objectLike({
          IndexName: 'byVouchedNames',
          KeySchema: [{ AttributeName: 'vouches', KeyType: 'HASH' }, { AttributeName: 'documentId', KeyType: 'RANGE' }],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['vouchedNames'] },
        }),
      ],
    });
  });

  it('alarms on dead letters, function errors and the age of the oldest message', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 7);
    // One for each dead-letter queue.
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'ApproximateNumberOfMessagesVisible' } }))).toHaveLength(3);
    for (const metricName of ['ApproximateNumberOfMessagesVisible', 'ApproximateAgeOfOldestMessage']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: metricName });
    }
    // Errors of each function.
    const errorAlarms = template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'Errors' } });
    const functions = Object.values(errorAlarms).map((alarm) => JSON.stringify(alarm.Properties.Dimensions));
    expect(functions).toHaveLength(3);
    expect(functions.some((dimension) => dimension.includes('Report'))).toBe(true);
    expect(functions.some((dimension) => dimension.includes('Ingest'))).toBe(true);
    expect(functions.some((dimension) => dimension.includes('OcrComplete'))).toBe(true);
  });

  it('tracks batches in a head item per batch and a member item per uploaded key, indexed by document', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'batchId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [{ AttributeName: 'batchId', KeyType: 'HASH' }, { AttributeName: 'key', KeyType: 'RANGE' }],
      BillingMode: 'PAY_PER_REQUEST',
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
      GlobalSecondaryIndexes: [
        Match.objectLike({
          IndexName: 'byDocument',
          KeySchema: [{ AttributeName: 'documentId', KeyType: 'HASH' }, { AttributeName: 'batchId', KeyType: 'RANGE' }],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        }),
      ],
    });
    for (const id of ['Ingest', 'OcrComplete']) {
      const writes = JSON.stringify(functionStatements(id).filter((statement) => actionsOf(statement).includes('dynamodb:PutItem')).map((statement) => statement.Resource));
      expect(writes).toMatch(/BatchMembers/);
    }
  });

  it('moves batches tracked in sets to member items on every deployment that changes the migration', () => {
    const [trigger] = Object.values(template.findResources('Custom::Trigger'));
    expect(JSON.stringify(trigger!.Properties.HandlerArn)).toMatch(/MigrateBatches/);
    const migration = functionStatements('MigrateBatches');
    const tableWrites = JSON.stringify(migration.filter((statement) => actionsOf(statement).includes('dynamodb:PutItem')).map((statement) => statement.Resource));
    expect(tableWrites).toMatch(/Batches/);
    expect(tableWrites).toMatch(/BatchMembers/);
    expect(tableWrites).not.toMatch(/Records/);
    expect(migration.flatMap(actionsOf)).toContain('sqs:SendMessage');
  });

  it('asks for reports on a FIFO queue, one batch\'s requests in order, with a dead-letter queue of its own', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ReportDeadLetters'), 'Arn'] }, maxReceiveCount: 3 },
    });
  });

  it('writes a finished batch\'s report, and everything stored every night', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0 3 * * ? *)', State: 'ENABLED' });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 1 });
    const report = functionStatements('Report');
    const writes = JSON.stringify(report.filter((statement) => actionsOf(statement).some((action) => action.startsWith('s3:PutObject'))).map((statement) => statement.Resource));
    expect(writes).toMatch(/reports\/\*/);
    expect(writes).not.toMatch(/records\/\*|incoming\/\*/);
    // The texts beside the records, shown for documents under review; never the uploads themselves.
    const reads = JSON.stringify(report.filter((statement) => actionsOf(statement).includes('s3:GetObject*')).map((statement) => statement.Resource));
    expect(reads).toMatch(/records\/\*/);
    expect(reads).not.toMatch(/incoming\/\*/);
    // It reads the records and writes only to the batches table.
    const tableWrites = JSON.stringify(report.filter((statement) => actionsOf(statement).includes('dynamodb:PutItem')).map((statement) => statement.Resource));
    expect(tableWrites).toMatch(/Batches/);
    expect(tableWrites).not.toMatch(/Records/);
    const ingest = functionStatements('Ingest').flatMap(actionsOf);
    expect(ingest).toContain('sqs:SendMessage');
  });

  it('names its bucket, tables and queues in the outputs', () => {
    for (const output of ['UploadBucketName', 'RecordsTableName', 'BatchesTableName', 'BatchMembersTableName', 'IngestQueueUrl', 'ReportQueueUrl', 'DeadLetterQueueUrl', 'ReportDeadLetterQueueUrl']) {
      template.hasOutput(output, {});
    }
  });

  it('passes cdk-nag AwsSolutions checks with no unsuppressed error or warning', () => {
    const errors = Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'));
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'));
    expect(errors.map((finding) => `${finding.id}: ${String(finding.entry.data)}`)).toEqual([]);
    expect(warnings.map((finding) => `${finding.id}: ${String(finding.entry.data)}`)).toEqual([]);
  });
});
