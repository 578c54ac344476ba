import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { NagSuppressions } from 'cdk-nag';
import type { Construct, Node } from 'constructs';
import { z } from 'zod';

/**
 * The pipeline, in the order a document travels:
 *   upload bucket (incoming/) ─ObjectCreated─▶ ingest queue (+ dead-letter queue) ─▶ ingest Lambda
 *   ─▶ records table (DynamoDB) and records/<sha256>.json, rejected originals copied to quarantine/
 * with alarms on the dead-letter queue, the Lambda's errors and the age of the oldest message.
 */

export const pipelineSettingsSchema = z.object({
  /** Where Lambdas run: arm64 in AWS; the local emulator runs them on the host's architecture. */
  architecture: z.enum(['arm64', 'x86_64']).default('arm64'),
  /** Whether scanned pages are read by OCR in the Lambda (tesseract.js) or left for review. */
  ocr: z.enum(['tesseract', 'none']).default('none'),
  /** Deliveries of one message before it is parked in the dead-letter queue. */
  maxReceiveCount: z.coerce.number().int().min(1).max(10).default(3),
  /** Keep the bucket and the table when the stack is deleted (production) or not (local runs). */
  retainData: z.coerce.boolean().default(true),
});
export type PipelineSettings = z.infer<typeof pipelineSettingsSchema>;

/** Settings from `cdk -c key=value`, parsed like every other configuration. */
export function pipelineSettingsFromContext(node: Node): PipelineSettings {
  const keys = Object.keys(pipelineSettingsSchema.shape) as (keyof PipelineSettings)[];
  return pipelineSettingsSchema.parse(Object.fromEntries(keys.map((key) => [key, node.tryGetContext(key)]).filter(([, value]) => value !== undefined)));
}

export interface PipelineStackProps extends StackProps {
  settings: PipelineSettings;
}

const INGEST_TIMEOUT = Duration.minutes(5);
const OCR_PACKAGES = ['tesseract.js', '@tesseract.js-data/deu', '@napi-rs/canvas'];

export class PipelineStack extends Stack {
  readonly uploadBucket: s3.Bucket;
  readonly recordsTable: dynamodb.TableV2;
  readonly ingestQueue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly ingestFunction: NodejsFunction;

  constructor(scope: Construct, id: string, { settings, ...props }: PipelineStackProps) {
    super(scope, id, props);
    const removalPolicy = settings.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      removalPolicy,
      autoDeleteObjects: !settings.retainData,
    });
    NagSuppressions.addResourceSuppressions(accessLogs, [
      { id: 'AwsSolutions-S1', reason: 'This is the access-log bucket itself; logging it into itself would loop.' },
    ]);

    this.uploadBucket = new s3.Bucket(this, 'Uploads', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'uploads/',
      removalPolicy,
      autoDeleteObjects: !settings.retainData,
    });

    this.deadLetterQueue = new sqs.Queue(this, 'IngestDeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.ingestQueue = new sqs.Queue(this, 'IngestQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Six times the function's timeout, as AWS advises for SQS event sources.
      visibilityTimeout: Duration.seconds(INGEST_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: settings.maxReceiveCount },
    });
    // Every new object under incoming/; the function checks the extension in any case (.pdf, .PDF, .Pdf)
    // and the bytes themselves, since S3 suffix filters are case-sensitive.
    this.uploadBucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(this.ingestQueue), {
      prefix: 'incoming/',
    });

    this.recordsTable = new dynamodb.TableV2(this, 'Records', {
      partitionKey: { name: 'documentId', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy,
      globalSecondaryIndexes: [
        {
          indexName: 'byRecipientYear',
          partitionKey: { name: 'recipient', type: dynamodb.AttributeType.STRING },
          sortKey: { name: 'budgetYear', type: dynamodb.AttributeType.NUMBER },
        },
        {
          indexName: 'byStatus',
          partitionKey: { name: 'status', type: dynamodb.AttributeType.STRING },
          sortKey: { name: 'updatedAt', type: dynamodb.AttributeType.STRING },
        },
        {
          indexName: 'byBatch',
          partitionKey: { name: 'batchId', type: dynamodb.AttributeType.STRING },
          sortKey: { name: 'documentId', type: dynamodb.AttributeType.STRING },
        },
      ],
    });

    this.ingestFunction = new NodejsFunction(this, 'Ingest', {
      entry: fileURLToPath(new URL('../functions/ingest.ts', import.meta.url)),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: settings.architecture === 'arm64' ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64,
      memorySize: settings.ocr === 'tesseract' ? 3008 : 1024,
      timeout: INGEST_TIMEOUT,
      logGroup: new logs.LogGroup(this, 'IngestLogs', { retention: logs.RetentionDays.THREE_MONTHS, removalPolicy }),
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        UPLOAD_BUCKET: this.uploadBucket.bucketName,
        RECORDS_TABLE: this.recordsTable.tableName,
        EXTRACTION_OCR: settings.ocr === 'tesseract' ? 'auto' : 'never',
        POWERTOOLS_SERVICE_NAME: 'zielvereinbarungen',
        POWERTOOLS_METRICS_NAMESPACE: 'Zielvereinbarungen',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        // pdf.js, tesseract.js and the canvas binding load files at run time, so they ship as packages;
        // without OCR the function never loads the OCR engine, and it is left out.
        nodeModules: ['pdf-parse', 'pdfjs-dist', ...(settings.ocr === 'tesseract' ? OCR_PACKAGES : [])],
        // The AWS SDK is bundled: a pinned version, and emulators' Node.js runtimes do not provide one.
        externalModules: settings.ocr === 'tesseract' ? [] : OCR_PACKAGES,
        // Packages bundled into ESM may still call require(); give them one.
        banner: "import { createRequire as createRequireForBundle } from 'module'; const require = createRequireForBundle(import.meta.url);",
      },
    });
    this.ingestFunction.addEventSource(new SqsEventSource(this.ingestQueue, { batchSize: 5, reportBatchItemFailures: true }));
    this.uploadBucket.grantRead(this.ingestFunction, 'incoming/*');
    this.uploadBucket.grantPut(this.ingestFunction, 'records/*');
    this.uploadBucket.grantPut(this.ingestFunction, 'quarantine/*');
    this.recordsTable.grantReadWriteData(this.ingestFunction);

    new cloudwatch.Alarm(this, 'DeadLettersWaiting', {
      alarmDescription: 'Documents whose processing failed on every retry wait in the dead-letter queue.',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    new cloudwatch.Alarm(this, 'IngestErrors', {
      alarmDescription: 'The ingest function failed (crashed or timed out) on some invocations.',
      metric: this.ingestFunction.metricErrors({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    new cloudwatch.Alarm(this, 'IngestBacklogAge', {
      alarmDescription: 'Uploads have waited more than 30 minutes to be processed.',
      metric: this.ingestQueue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5) }),
      threshold: 30 * 60,
      evaluationPeriods: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });

    new CfnOutput(this, 'UploadBucketName', { value: this.uploadBucket.bucketName });
    new CfnOutput(this, 'RecordsTableName', { value: this.recordsTable.tableName });
    new CfnOutput(this, 'IngestQueueUrl', { value: this.ingestQueue.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.deadLetterQueue.queueUrl });

    NagSuppressions.addResourceSuppressions(
      this.deadLetterQueue,
      [{ id: 'AwsSolutions-SQS3', reason: 'This queue is the dead-letter queue of the ingest queue.' }],
    );
    NagSuppressions.addResourceSuppressions(
      this.ingestFunction,
      [
        { id: 'AwsSolutions-IAM4', reason: 'AWSLambdaBasicExecutionRole is the least a function needs to write its logs.' },
        {
          id: 'AwsSolutions-IAM5',
          reason: 'Object-level grants are scoped to the incoming/, records/ and quarantine/ prefixes; X-Ray and the table indexes need wildcards.',
        },
      ],
      true,
    );
    NagSuppressions.addStackSuppressions(this, [
      {
        id: 'AwsSolutions-IAM4',
        reason: 'CDK\'s bucket-notification and auto-delete custom resources use the AWS managed basic execution role.',
        appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
      },
      { id: 'AwsSolutions-L1', reason: 'CDK\'s own custom-resource functions choose their runtime; the project\'s function uses Node.js 22.' },
    ]);
  }
}
