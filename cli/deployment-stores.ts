import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchTracker, reportRequestSender } from '../shared/store/batch-tracking.js';
import { BatchesTable } from '../shared/store/batches.js';
import { RecordsTable } from '../shared/store/records.js';
import { describeCalls } from './errors.js';

/** Where a deployment's tables and queues are (see `resolveDeployment`); a name that is not known throws its usage error when asked for. */
export interface DeploymentNames {
  endpoint: string | undefined;
  recordsTable: () => string;
  batchesTable: () => string;
  batchMembersTable: () => string;
  reportQueue: () => string;
}

/** The deployment's tables, its report queue and its functions, each client made once, on first use. */
export function deploymentStores({ endpoint, recordsTable, batchesTable, batchMembersTable, reportQueue }: DeploymentNames) {
  let dynamodb: DynamoDBDocumentClient | undefined;
  let sqs: SQSClient | undefined;
  const documentClient = () =>
    (dynamodb ??= DynamoDBDocumentClient.from(describeCalls(new DynamoDBClient(endpoint ? { endpoint } : {}), endpoint), {
      marshallOptions: { removeUndefinedValues: true },
    }));
  // Requests go to the configured endpoint, whatever host a queue's URL names (as in the functions).
  const sqsClient = () => (sqs ??= describeCalls(new SQSClient(endpoint ? { endpoint, useQueueUrlAsEndpoint: false } : {}), endpoint));
  const batches = () => new BatchesTable(documentClient(), batchesTable(), batchMembersTable());
  return {
    records: () => new RecordsTable(documentClient(), recordsTable()),
    batches,
    /** Batch bookkeeping with the report queue: what a command that changes records asks for reports with. */
    tracker: () => new BatchTracker(batches(), reportRequestSender(sqsClient(), reportQueue())),
    sqs: sqsClient,
    lambda: () => describeCalls(new LambdaClient(endpoint ? { endpoint } : {}), endpoint),
  };
}
export type DeploymentStores = ReturnType<typeof deploymentStores>;
