import { type DynamoDBDocumentClient, GetCommand, paginateScan, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';

/**
 * The batches table: one item per upload batch, with the number of documents its manifest expects and
 * the keys processed so far (a set, so redeliveries and re-uploads count once). The first time every
 * expected key has been processed, exactly one caller is told to request the batch's report.
 */

/**
 * `batches/<batch>/manifest.json`, written by `agreements upload` before the first file: how many
 * documents the batch expects, and each file's key, size and SHA-256. A second run of the same batch
 * merges its files in (`updatedAt`).
 */
export const batchManifestSchema = z.object({
  batch: z.string().min(1),
  createdAt: z.string(),
  updatedAt: z.string().optional(),
  expected: z.number().int().nonnegative(),
  files: z.array(z.object({ path: z.string(), key: z.string(), bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
});
export type BatchManifest = z.infer<typeof batchManifestSchema>;

export const manifestKey = (batch: string) => `batches/${batch}/manifest.json`;

export interface BatchState {
  batchId: string;
  expected?: number;
  keys: string[];
  documentIds: string[];
  createdAt?: string;
  updatedAt?: string;
  reportRequestedAt?: string;
  reportedAt?: string;
  reportKeys?: string[];
}

const toState = (item: Record<string, unknown>): BatchState => ({
  batchId: item.batchId as string,
  expected: item.expected as number | undefined,
  keys: [...((item.keys as Set<string> | undefined) ?? [])].sort(),
  documentIds: [...((item.documentIds as Set<string> | undefined) ?? [])].sort(),
  createdAt: item.createdAt as string | undefined,
  updatedAt: item.updatedAt as string | undefined,
  reportRequestedAt: item.reportRequestedAt as string | undefined,
  reportedAt: item.reportedAt as string | undefined,
  reportKeys: item.reportKeys as string[] | undefined,
});

export class BatchesTable {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  async get(batchId: string): Promise<BatchState | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { batchId }, ConsistentRead: true }));
    return Item ? toState(Item) : undefined;
  }

  async list(): Promise<BatchState[]> {
    const batches: BatchState[] = [];
    for await (const page of paginateScan({ client: this.client }, { TableName: this.tableName })) batches.push(...(page.Items ?? []).map(toState));
    return batches.sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''));
  }

  /**
   * Counts `key` as processed for the batch. Returns true to exactly one caller: the one whose key
   * completed the batch, who then requests its report.
   */
  async markProcessed(batchId: string, key: string, documentId: string, expected: number | undefined, now: Date): Promise<boolean> {
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { batchId },
        UpdateExpression: `SET updatedAt = :now, createdAt = if_not_exists(createdAt, :now)${expected !== undefined ? ', expected = :expected' : ''} ADD #keys :key, documentIds :document`,
        ExpressionAttributeNames: { '#keys': 'keys' },
        ExpressionAttributeValues: {
          ':now': now.toISOString(),
          ':key': new Set([key]),
          ':document': new Set([documentId]),
          ...(expected !== undefined ? { ':expected': expected } : {}),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const state = toState(Attributes ?? {});
    if (state.expected === undefined || state.keys.length < state.expected || state.reportRequestedAt) return false;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { batchId },
          UpdateExpression: 'SET reportRequestedAt = :now',
          ConditionExpression: 'attribute_not_exists(reportRequestedAt)',
          ExpressionAttributeValues: { ':now': now.toISOString() },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async markReported(batchId: string, reportKeys: string[], now: Date): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { batchId },
        UpdateExpression: 'SET reportedAt = :now, reportKeys = :keys',
        ExpressionAttributeValues: { ':now': now.toISOString(), ':keys': reportKeys },
      }),
    );
  }
}
