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
import type { Construct } from 'constructs';
import { PREFIXES } from '../shared/keys.js';
import { functionBundling, type PdfWork } from './function-bundling.js';
import { COMPLETION_RETRIES, OWN_MEMORY_MIB, OWN_MEMORY_WITH_OCR_MIB, type PipelineSettings, readerBudget, visibilityTimeout } from './pipeline-settings.js';

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

export interface PipelineStackProps extends StackProps {
  settings: PipelineSettings;
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
      lifecycleRules: [{ prefix: PREFIXES.ocrInput, expiration: Duration.days(7), noncurrentVersionExpiration: Duration.days(1) }],
      removalPolicy,
      autoDeleteObjects: !settings.retainData,
    });

    this.deadLetterQueue = this.deadLetters('IngestDeadLetters', 'upload notices the ingest function failed on at every delivery');
    this.ingestQueue = this.deliveryQueue('IngestQueue', this.deadLetterQueue, settings);
    // Every new object under incoming/; the function checks the extension in any case (.pdf, .PDF, .Pdf)
    // and the bytes themselves, since S3 suffix filters are case-sensitive.
    this.uploadBucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(this.ingestQueue), {
      prefix: PREFIXES.incoming,
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
        // Sparse: only records that vouch for names of projects and signatories are in it, with those
        // names alone; the functions read the names known right from it before they judge a scan.
        {
          indexName: 'byVouchedNames',
          partitionKey: { name: 'vouches', type: dynamodb.AttributeType.STRING },
          sortKey: { name: 'documentId', type: dynamodb.AttributeType.STRING },
          projectionType: dynamodb.ProjectionType.INCLUDE,
          nonKeyAttributes: ['vouchedNames'],
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
    this.reportQueue = this.deliveryQueue('ReportRequests', this.reportDeadLetterQueue, settings, { fifo: true });

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
    this.storeRecords(this.ingestFunction);

    if (textract) {
      // Textract reads the scanned pages with the caller's permissions, and publishes with its own role.
      this.uploadBucket.grantReadWrite(this.ingestFunction, `${PREFIXES.ocrInput}*`);
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
      this.storeRecords(this.ocrCompleteFunction);
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
    this.uploadBucket.grantRead(this.reportFunction, `${PREFIXES.records}*`);
    this.batchesTable.grantReadWriteData(this.reportFunction);
    this.batchMembersTable.grantReadData(this.reportFunction);
    this.uploadBucket.grantPut(this.reportFunction, `${PREFIXES.reports}*`);

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

  /**
   * A queue whose messages a function takes, hidden from other readers while one is at work and parked
   * in `deadLetters` after the last delivery.
   */
  private deliveryQueue(id: string, deadLetters: sqs.Queue, settings: PipelineSettings, { fifo = false } = {}): sqs.Queue {
    return new sqs.Queue(this, id, {
      ...(fifo ? { fifo } : {}),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: visibilityTimeout(settings),
      deadLetterQueue: { queue: deadLetters, maxReceiveCount: settings.maxReceiveCount },
    });
  }

  /**
   * A function that reads uploads and stores their records: the record and its text beside it, a
   * rejected original's copy in quarantine, the table's item; it also counts the records against their
   * batches.
   */
  private storeRecords(fn: NodejsFunction) {
    this.uploadBucket.grantRead(fn, `${PREFIXES.incoming}*`);
    this.uploadBucket.grantPut(fn, `${PREFIXES.records}*`);
    this.uploadBucket.grantPut(fn, `${PREFIXES.quarantine}*`);
    this.recordsTable.grantReadWriteData(fn);
    this.trackBatches(fn);
  }

  /** A function that stores records also counts them against their batch and may ask for its report. */
  private trackBatches(fn: NodejsFunction) {
    this.batchesTable.grantReadWriteData(fn);
    this.batchMembersTable.grantReadWriteData(fn);
    this.reportQueue.grantSendMessages(fn);
    this.uploadBucket.grantRead(fn, `${PREFIXES.batches}*`);
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
