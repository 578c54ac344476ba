import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SnsEventSource, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as triggers from 'aws-cdk-lib/triggers';
import { NagSuppressions } from 'cdk-nag';
import type { Construct, Node } from 'constructs';
import { z } from 'zod';
import { functionBundling, type PdfWork } from './function-bundling.js';

/**
 * The pipeline, in the order a document travels:
 *   upload bucket (incoming/) ─ObjectCreated─▶ ingest queue (+ dead-letter queue) ─▶ ingest Lambda
 *   ─▶ records table (DynamoDB) and records/<sha256>.json, rejected originals copied to quarantine/
 * and, with Textract as the OCR engine, for documents with scanned pages:
 *   ingest Lambda ─scanned pages (ocr-input/)─▶ Textract ─▶ OCR-completed topic (SNS) ─▶ OCR-complete
 *   Lambda ─▶ records table and records/<sha256>.json
 * and for every stored document:
 *   ─▶ batches table (a head item per batch) and batch members table (an item per uploaded key)
 *   ─batch complete, or a record of it changed─▶ report queue (FIFO) ─▶ report Lambda ─▶ reports/<batch>/
 * with alarms on the dead-letter queues, the Lambdas' errors and the age of the oldest message.
 */

export const pipelineSettingsSchema = z.object({
  /** Where Lambdas run: arm64 in AWS; the local emulator runs them on the host's architecture. */
  architecture: z.enum(['arm64', 'x86_64']).default('arm64'),
  /**
   * Who reads scanned pages: Amazon Textract (AWS), tesseract.js inside the ingest function (emulators,
   * which have no Textract), or nobody (scanned pages are left for review).
   */
  ocr: z.enum(['textract', 'tesseract', 'none']).default('textract'),
  /** Deliveries of one message before it is parked in the dead-letter queue. */
  maxReceiveCount: z.coerce.number().int().min(1).max(10).default(3),
  /** Longest a function may run on one batch. */
  functionTimeoutSeconds: z.coerce.number().int().min(10).max(900).default(300),
  /**
   * How long a delivered message stays hidden, and so how soon a failed one is retried. AWS advises six
   * times the function's timeout; local runs shorten it so that retries happen within a test.
   */
  visibilityTimeoutSeconds: z.coerce.number().int().min(10).max(43_200).optional(),
  /** Keep the bucket and the table when the stack is deleted (production) or not (local runs). */
  retainData: z.coerce.boolean().default(true),
  /**
   * Local deployments only: where the functions reach Textract instead of AWS (the project's Textract
   * stand-in), handed to the AWS SDK as AWS_ENDPOINT_URL_TEXTRACT.
   */
  textractEndpoint: z.url().optional(),
  /**
   * How long a document waits for its Textract job before the sweep asks after the job (a completion
   * notice may be lost); local runs shorten it so that a test sees the sweep at work.
   */
  ocrPatienceSeconds: z.coerce.number().int().min(10).max(86_400).default(3600),
  /** The price per 1,000 pages the reports estimate Textract's cost at: DetectDocumentText's list price. */
  textractPricePer1000PagesUsd: z.coerce.number().nonnegative().default(1.5),
});
export type PipelineSettings = z.infer<typeof pipelineSettingsSchema>;

/** The queue's visibility timeout: as set, or six times the function's timeout; never shorter than the timeout. */
function visibilityTimeout(settings: PipelineSettings): Duration {
  const seconds = settings.visibilityTimeoutSeconds ?? settings.functionTimeoutSeconds * 6;
  if (seconds < settings.functionTimeoutSeconds) {
    throw new Error(`visibilityTimeoutSeconds (${seconds}) must not be shorter than functionTimeoutSeconds (${settings.functionTimeoutSeconds})`);
  }
  return Duration.seconds(seconds);
}

/** Settings from `cdk -c key=value`, parsed like every other configuration. */
export function pipelineSettingsFromContext(node: Node): PipelineSettings {
  const keys = Object.keys(pipelineSettingsSchema.shape) as (keyof PipelineSettings)[];
  return pipelineSettingsSchema.parse(Object.fromEntries(keys.map((key) => [key, node.tryGetContext(key)]).filter(([, value]) => value !== undefined)));
}

export interface PipelineStackProps extends StackProps {
  settings: PipelineSettings;
}

/** Lambda's retries of a failed asynchronous invocation (its default, stated): Textract's notices arrive so. */
const COMPLETION_RETRIES = 2;

/**
 * What a function's own process needs beside its readers: the runtime with the SDK and Powertools
 * loaded (about 150 MB), and the bytes of the document it reads, twice while they are handed to the
 * reader (200 MB for a file at the default size limit of 100 MiB).
 */
const OWN_MEMORY_MIB = 384;
/** The same, with tesseract.js reading pages in the function's process: a worker per core and one for single words, with the pages they read. */
const OWN_MEMORY_WITH_OCR_MIB = 1280;

/**
 * How a function that reads documents shares its memory and time: the function's own process keeps
 * `ownMemoryMiB`; the rest is split evenly among its reader processes, each stopped at its share. Every
 * message of a batch is read at once, so each document may take the function's timeout but for a margin
 * to store its record: a document past a limit is rejected and recorded before the function itself would
 * be stopped (by its timeout, or at its memory size), and no hostile file is ever retried into the
 * dead-letter queue.
 */
export function readerBudget({ memorySizeMiB, timeoutSeconds, readers, ownMemoryMiB }: { memorySizeMiB: number; timeoutSeconds: number; readers: number; ownMemoryMiB: number }) {
  const memoryMiB = Math.floor((memorySizeMiB - ownMemoryMiB) / readers);
  if (memoryMiB < 256) throw new Error(`${readers} readers in ${memorySizeMiB} MB, ${ownMemoryMiB} MB kept for the function, leave each less than 256 MiB`);
  // A fifth of the timeout, at least 15 s, to store the record (S3, DynamoDB, the batch) after a document is stopped.
  const timeoutMs = Math.floor((timeoutSeconds - Math.max(15, timeoutSeconds / 5)) * 1000);
  return {
    environment: { EXTRACTION_READERS: String(readers), EXTRACTION_MEMORY_MIB: String(memoryMiB), EXTRACTION_TIMEOUT_MS: String(timeoutMs) },
    /** Messages per invocation: one per reader. */
    batchSize: readers,
  };
}

export class PipelineStack extends Stack {
  readonly uploadBucket: s3.Bucket;
  readonly recordsTable: dynamodb.TableV2;
  readonly batchesTable: dynamodb.TableV2;
  readonly batchMembersTable: dynamodb.TableV2;
  readonly reportQueue: sqs.Queue;
  readonly reportFunction: NodejsFunction;
  readonly ingestQueue: sqs.Queue;
  /** Where each kind of message is parked after its last delivery: upload notices, report requests, OCR completions. */
  readonly deadLetterQueue: sqs.Queue;
  readonly reportDeadLetterQueue: sqs.Queue;
  readonly ocrCompleteDeadLetterQueue?: sqs.Queue;
  readonly ingestFunction: NodejsFunction;
  /** Present when Textract reads the scans. */
  readonly ocrCompleteFunction?: NodejsFunction;

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
      // The copies of scanned pages handed to Textract are needed only until the job has finished.
      lifecycleRules: [{ prefix: 'ocr-input/', expiration: Duration.days(7), noncurrentVersionExpiration: Duration.days(1) }],
      removalPolicy,
      autoDeleteObjects: !settings.retainData,
    });

    this.deadLetterQueue = this.deadLetters('IngestDeadLetters', 'upload notices the ingest function failed on at every delivery');
    this.ingestQueue = new sqs.Queue(this, 'IngestQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: visibilityTimeout(settings),
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

    // Upload batches: one head item per batch (the documents its manifest expects, a count of the keys
    // processed, where its report stands), and one member item per uploaded key (the document its bytes
    // are), indexed by document for the batches a record belongs to. No item grows with the batch.
    this.batchesTable = new dynamodb.TableV2(this, 'Batches', {
      partitionKey: { name: 'batchId', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy,
    });
    this.batchMembersTable = new dynamodb.TableV2(this, 'BatchMembers', {
      partitionKey: { name: 'batchId', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'key', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy,
      globalSecondaryIndexes: [
        {
          indexName: 'byDocument',
          partitionKey: { name: 'documentId', type: dynamodb.AttributeType.STRING },
          sortKey: { name: 'batchId', type: dynamodb.AttributeType.STRING },
          projectionType: dynamodb.ProjectionType.KEYS_ONLY,
        },
      ],
    });
    // Requests for a batch's report: from the function that stored its last document, and again after a
    // record of a finished batch changed. FIFO, grouped by batch, so that one batch's reports are written
    // one after the other and a request sent twice is delivered once; its dead letters are FIFO as well.
    this.reportDeadLetterQueue = this.deadLetters('ReportDeadLetters', 'requests for a batch\'s report the report function failed on at every delivery', { fifo: true });
    this.reportQueue = new sqs.Queue(this, 'ReportRequests', {
      fifo: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: visibilityTimeout(settings),
      deadLetterQueue: { queue: this.reportDeadLetterQueue, maxReceiveCount: settings.maxReceiveCount },
    });

    const pipelineFunction = (id: string, entry: string, pdfWork: PdfWork, props: Partial<NodejsFunctionProps> & { environment: Record<string, string> }) =>
      new NodejsFunction(this, id, {
        entry: fileURLToPath(new URL(`../functions/${entry}`, import.meta.url)),
        runtime: lambda.Runtime.NODEJS_22_X,
        architecture: settings.architecture === 'arm64' ? lambda.Architecture.ARM_64 : lambda.Architecture.X86_64,
        memorySize: 1024,
        timeout: Duration.seconds(settings.functionTimeoutSeconds),
        logGroup: new logs.LogGroup(this, `${id}Logs`, { retention: logs.RetentionDays.THREE_MONTHS, removalPolicy }),
        tracing: lambda.Tracing.ACTIVE,
        ...props,
        bundling: functionBundling(pdfWork, settings.architecture),
      });

    /** Where records are stored, for every function. */
    const storageEnvironment = { UPLOAD_BUCKET: this.uploadBucket.bucketName, RECORDS_TABLE: this.recordsTable.tableName };
    /** The batches: head items, and one member item per uploaded key. */
    const batchesEnvironment = { BATCHES_TABLE: this.batchesTable.tableName, BATCH_MEMBERS_TABLE: this.batchMembersTable.tableName };
    /** What counts documents against their batches and asks for batch reports. */
    const batchTrackingEnvironment = { ...storageEnvironment, ...batchesEnvironment, REPORT_QUEUE_URL: this.reportQueue.queueUrl };
    /** What the functions that read documents and store their records need. */
    const readingEnvironment = {
      ...batchTrackingEnvironment,
    };

    const textract = settings.ocr === 'textract' ? this.textractChannel() : undefined;
    const textractEnvironment = textract && {
      TEXTRACT_TOPIC_ARN: textract.topic.topicArn,
      TEXTRACT_ROLE_ARN: textract.role.roleArn,
      OCR_JOB_PATIENCE_SECONDS: String(settings.ocrPatienceSeconds),
      ...(settings.textractEndpoint ? { AWS_ENDPOINT_URL_TEXTRACT: settings.textractEndpoint } : {}),
    };
    // tesseract.js reads pages in this function's own process, in workers of a hundred MB and more each;
    // two documents at once then keep its workers busy while one is between pages.
    const ingestMemoryMiB = settings.ocr === 'tesseract' ? 3008 : 1024;
    const ingestReaders = readerBudget({
      memorySizeMiB: ingestMemoryMiB,
      timeoutSeconds: settings.functionTimeoutSeconds,
      readers: settings.ocr === 'tesseract' ? 2 : 1,
      ownMemoryMiB: settings.ocr === 'tesseract' ? OWN_MEMORY_WITH_OCR_MIB : OWN_MEMORY_MIB,
    });
    this.ingestFunction = pipelineFunction('Ingest', 'ingest.ts', settings.ocr === 'tesseract' ? 'render' : 'read', {
      memorySize: ingestMemoryMiB,
      // The delivery that is the last before a message is parked records the document's failure.
      environment: {
        ...readingEnvironment,
        ...ingestReaders.environment,
        OCR_ENGINE: settings.ocr,
        MAX_RECEIVE_COUNT: String(settings.maxReceiveCount),
        ...textractEnvironment,
      },
    });
    this.ingestFunction.addEventSource(new SqsEventSource(this.ingestQueue, { batchSize: ingestReaders.batchSize, reportBatchItemFailures: true }));
    this.uploadBucket.grantRead(this.ingestFunction, 'incoming/*');
    this.uploadBucket.grantPut(this.ingestFunction, 'records/*');
    this.uploadBucket.grantPut(this.ingestFunction, 'quarantine/*');
    this.recordsTable.grantReadWriteData(this.ingestFunction);
    this.trackBatches(this.ingestFunction);

    if (textract) {
      // Textract reads the scanned pages with the caller's permissions, and publishes with its own role.
      this.uploadBucket.grantReadWrite(this.ingestFunction, 'ocr-input/*');
      this.ingestFunction.addToRolePolicy(new iam.PolicyStatement({ actions: ['textract:StartDocumentTextDetection'], resources: ['*'] }));
      textract.role.grantPassRole(this.ingestFunction.grantPrincipal);

      this.ocrCompleteDeadLetterQueue = this.deadLetters('OcrCompleteDeadLetters', 'Textract completions the OCR-complete function failed on at every retry');
      // SNS delivers one completion notice per invocation: one reader.
      const completionReaders = readerBudget({ memorySizeMiB: 1024, timeoutSeconds: settings.functionTimeoutSeconds, readers: 1, ownMemoryMiB: OWN_MEMORY_MIB });
      this.ocrCompleteFunction = pipelineFunction('OcrComplete', 'ocr-complete.ts', 'read', {
        memorySize: 1024,
        environment: {
          ...readingEnvironment,
          ...completionReaders.environment,
          ...textractEnvironment,
          // The last attempt records the document's failure; the sweep parks what it failed on where Lambda parks.
          OCR_COMPLETION_ATTEMPTS: String(COMPLETION_RETRIES + 1),
          OCR_COMPLETE_DEAD_LETTER_QUEUE_URL: this.ocrCompleteDeadLetterQueue.queueUrl,
        },
        // A completion that fails on Lambda's retries of the asynchronous invocation is parked, the SNS
        // event as it was delivered.
        retryAttempts: COMPLETION_RETRIES,
        deadLetterQueue: this.ocrCompleteDeadLetterQueue,
      });
      this.ocrCompleteFunction.addEventSource(new SnsEventSource(textract.topic));
      // A completion notice can be lost; the sweep asks Textract after every job that outlived the patience.
      new events.Rule(this, 'OcrSweep', {
        description: 'Looks after documents whose Textract job has not reported back within the patience',
        schedule: events.Schedule.rate(Duration.minutes(Math.max(1, Math.min(15, Math.ceil(settings.ocrPatienceSeconds / 60))))),
        targets: [new targets.LambdaFunction(this.ocrCompleteFunction)],
      });
      this.ocrCompleteFunction.addToRolePolicy(new iam.PolicyStatement({ actions: ['textract:GetDocumentTextDetection'], resources: ['*'] }));
      this.uploadBucket.grantRead(this.ocrCompleteFunction, 'incoming/*');
      this.uploadBucket.grantPut(this.ocrCompleteFunction, 'records/*');
      this.uploadBucket.grantPut(this.ocrCompleteFunction, 'quarantine/*');
      this.recordsTable.grantReadWriteData(this.ocrCompleteFunction);
      this.trackBatches(this.ocrCompleteFunction);
    }

    // Reports: a batch's when its last document is stored, and everything stored every night.
    this.reportFunction = pipelineFunction('Report', 'report.ts', 'none', {
      environment: { ...storageEnvironment, ...batchesEnvironment, TEXTRACT_PRICE_PER_1000_PAGES_USD: String(settings.textractPricePer1000PagesUsd) },
    });
    this.reportFunction.addEventSource(new SqsEventSource(this.reportQueue, { batchSize: 1 }));
    new events.Rule(this, 'NightlyReport', {
      description: 'Writes the report over every stored record to reports/all/',
      schedule: events.Schedule.cron({ minute: '0', hour: '3' }),
      targets: [new targets.LambdaFunction(this.reportFunction)],
    });
    this.recordsTable.grantReadData(this.reportFunction);
    // The text beside each record, shown for the documents that need review.
    this.uploadBucket.grantRead(this.reportFunction, 'records/*');
    this.batchesTable.grantReadWriteData(this.reportFunction);
    this.batchMembersTable.grantReadData(this.reportFunction);
    this.uploadBucket.grantPut(this.reportFunction, 'reports/*');

    // On every deployment that changes it: batches tracked before member items existed (their keys and
    // documents held in sets on the head item) are moved to member items and counted.
    const migrateBatches = pipelineFunction('MigrateBatches', 'migrate-batches.ts', 'none', { environment: batchTrackingEnvironment });
    this.recordsTable.grantReadData(migrateBatches);
    this.batchesTable.grantReadWriteData(migrateBatches);
    this.batchMembersTable.grantReadWriteData(migrateBatches);
    this.reportQueue.grantSendMessages(migrateBatches);
    new triggers.Trigger(this, 'MigrateBatchesOnDeploy', {
      handler: migrateBatches,
      timeout: Duration.seconds(settings.functionTimeoutSeconds),
      executeAfter: [this.batchesTable, this.batchMembersTable, this.recordsTable, this.reportQueue],
    });

    // One alarm per function: metric math would sum them, but emulators reject math alarms.
    for (const [id, fn] of [['IngestErrors', this.ingestFunction], ['OcrCompleteErrors', this.ocrCompleteFunction], ['ReportErrors', this.reportFunction]] as const) {
      if (!fn) continue;
      new cloudwatch.Alarm(this, id, {
        alarmDescription: `The ${fn.node.id} function failed (crashed or timed out) on some invocations.`,
        metric: fn.metricErrors({ period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
    }
    new cloudwatch.Alarm(this, 'IngestBacklogAge', {
      alarmDescription: 'Uploads have waited more than 30 minutes to be processed.',
      metric: this.ingestQueue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5) }),
      threshold: 30 * 60,
      evaluationPeriods: 2,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });

    new CfnOutput(this, 'UploadBucketName', { value: this.uploadBucket.bucketName });
    new CfnOutput(this, 'RecordsTableName', { value: this.recordsTable.tableName });
    new CfnOutput(this, 'BatchesTableName', { value: this.batchesTable.tableName });
    new CfnOutput(this, 'BatchMembersTableName', { value: this.batchMembersTable.tableName });
    new CfnOutput(this, 'IngestQueueUrl', { value: this.ingestQueue.queueUrl });
    new CfnOutput(this, 'ReportQueueUrl', { value: this.reportQueue.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'ReportDeadLetterQueueUrl', { value: this.reportDeadLetterQueue.queueUrl });
    if (this.ocrCompleteDeadLetterQueue) new CfnOutput(this, 'OcrCompleteDeadLetterQueueUrl', { value: this.ocrCompleteDeadLetterQueue.queueUrl });
    new CfnOutput(this, 'OcrEngine', { value: settings.ocr });
    new CfnOutput(this, 'IngestFunctionName', { value: this.ingestFunction.functionName });
    new CfnOutput(this, 'ReportFunctionName', { value: this.reportFunction.functionName });
    if (this.ocrCompleteFunction) new CfnOutput(this, 'OcrCompleteFunctionName', { value: this.ocrCompleteFunction.functionName });

    NagSuppressions.addResourceSuppressions(
      [this.ingestFunction, this.reportFunction, migrateBatches, ...(this.ocrCompleteFunction ? [this.ocrCompleteFunction] : [])],
      [
        { id: 'AwsSolutions-IAM4', reason: 'AWSLambdaBasicExecutionRole is the least a function needs to write its logs.' },
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'Object-level grants are scoped to the incoming/, records/, quarantine/, ocr-input/, batches/ and reports/ prefixes; X-Ray, the table indexes and Textract\'s job APIs (which have no resource-level permissions) need wildcards.',
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

  /**
   * A dead-letter queue, kept 14 days for a redrive (`agreements redrive`), with an alarm as soon as a
   * message waits in it.
   */
  private deadLetters(id: string, what: string, { fifo = false } = {}): sqs.Queue {
    const queue = new sqs.Queue(this, id, { ...(fifo ? { fifo } : {}), encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
    new cloudwatch.Alarm(this, `${id}Waiting`, {
      alarmDescription: `Parked for a redrive: ${what}.`,
      metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    NagSuppressions.addResourceSuppressions(queue, [{ id: 'AwsSolutions-SQS3', reason: 'This queue is itself a dead-letter queue.' }]);
    return queue;
  }

  /** A function that stores records also counts them against their batch and may ask for its report. */
  private trackBatches(fn: NodejsFunction) {
    this.batchesTable.grantReadWriteData(fn);
    this.batchMembersTable.grantReadWriteData(fn);
    this.reportQueue.grantSendMessages(fn);
    this.uploadBucket.grantRead(fn, 'batches/*');
  }

  /** The topic Textract reports finished jobs to (encrypted with a key of its own), and the role it publishes with. */
  private textractChannel() {
    const key = new kms.Key(this, 'OcrCompletedKey', { enableKeyRotation: true, description: 'Encrypts Textract\'s job-completion notices' });
    const topic = new sns.Topic(this, 'OcrCompleted', { masterKey: key, enforceSSL: true });
    const role = new iam.Role(this, 'TextractPublisher', {
      assumedBy: new iam.ServicePrincipal('textract.amazonaws.com'),
      description: 'Lets Amazon Textract publish job completions to the OCR-completed topic',
    });
    topic.grantPublish(role);
    NagSuppressions.addResourceSuppressions(
      role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason: 'kms:GenerateDataKey* is CDK\'s grant for publishing to a KMS-encrypted topic, scoped to that topic\'s key.',
          appliesTo: ['Action::kms:GenerateDataKey*'],
        },
      ],
      true,
    );
    new CfnOutput(this, 'OcrCompletedTopicArn', { value: topic.topicArn });
    return { topic, role };
  }
}
