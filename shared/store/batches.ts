import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  paginateScan,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';

/**
 * Upload batches, in two tables whose items keep their size however large the batch grows:
 * - the batches table holds one head item per batch: the documents its manifest expects, how many of
 *   its uploaded keys have been processed (a counter), and where its report stands;
 * - the batch members table holds one item per (batch, uploaded key), with the document the key's bytes
 *   are. A key is counted when its member item is first written, in one transaction with the counter,
 *   so that a redelivered message or the same key uploaded again counts once.
 * The first time every expected key has been processed, exactly one caller claims the batch's report
 * (see batch-tracking.ts for who asks for reports, and when).
 */


/** A batch's head item. */
export interface BatchState {
  batchId: string;
  expected?: number;
  /** Uploaded keys processed, one per member item. */
  processed: number;
  createdAt?: string;
  updatedAt?: string;
  /** When the key that completed the batch claimed its report. */
  reportRequestedAt?: string;
  /** Report requests made: the completion's, then one for each later change to a record of the batch. */
  reportRequests: number;
  reportedAt?: string;
  reportKeys?: string[];
  /** The last request the written report covers: it read the records after every change up to that one. */
  reportedRequest?: number;
}

/** A head item as batches were tracked before member items: every key and document processed, in sets on the head. */
export interface LegacyBatch extends BatchState {
  keys: string[];
  documentIds: string[];
}

/** One uploaded key of a batch, and the document its bytes are. */
export interface BatchMember {
  batchId: string;
  key: string;
  documentId: string;
  addedAt: string;
}

/**
 * What writing a member item did: counted a key new to the batch (before its report was claimed, or
 * after, when the report written so far cannot include it), found it already counted with the same
 * document (a redelivery), or found it counted with other bytes (the key was uploaded again, changed).
 */
export type Membership =
  | { kind: 'added'; afterReport: boolean }
  | { kind: 'known' }
  | { kind: 'replaced'; previousDocumentId: string };

/** Every expected key has been processed. A batch without a manifest never completes. */
/** Attempts at a transaction that other transactions on the same head item keep cancelling. */
const TRANSACTION_ATTEMPTS = 10;

export const isComplete = (batch: BatchState) => batch.expected !== undefined && batch.processed >= batch.expected;

const toState = (item: Record<string, unknown>): BatchState => ({
  batchId: item.batchId as string,
  expected: item.expected as number | undefined,
  processed: (item.processed as number | undefined) ?? 0,
  createdAt: item.createdAt as string | undefined,
  updatedAt: item.updatedAt as string | undefined,
  reportRequestedAt: item.reportRequestedAt as string | undefined,
  reportRequests: (item.reportRequests as number | undefined) ?? 0,
  reportedAt: item.reportedAt as string | undefined,
  reportKeys: item.reportKeys as string[] | undefined,
  reportedRequest: item.reportedRequest as number | undefined,
});

/** The batches table's head items and the batch members table's member items. */
export class BatchesTable {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    readonly tableName: string,
    readonly membersTableName: string,
  ) {}

  async get(batchId: string): Promise<BatchState | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { batchId }, ConsistentRead: true }));
    return Item ? toState(Item) : undefined;
  }

  /** Every batch, newest first. */
  async list(): Promise<BatchState[]> {
    const batches: BatchState[] = [];
    for await (const page of paginateScan({ client: this.client }, { TableName: this.tableName })) batches.push(...(page.Items ?? []).map(toState));
    return batches.sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''));
  }

  /** The batch's member items, a page (up to 1 MB, some thousands of keys) at a time, in key order. */
  async *members(batchId: string): AsyncGenerator<BatchMember[]> {
    const pages = paginateQuery(
      { client: this.client },
      { TableName: this.membersTableName, KeyConditionExpression: 'batchId = :batch', ExpressionAttributeValues: { ':batch': batchId }, ConsistentRead: true },
    );
    for await (const page of pages) yield (page.Items ?? []) as BatchMember[];
  }

  /** The documents of the batch, each once, sorted. */
  async documentIds(batchId: string): Promise<string[]> {
    const documentIds = new Set<string>();
    for await (const members of this.members(batchId)) for (const member of members) documentIds.add(member.documentId);
    return [...documentIds].sort();
  }

  /** The batches a document was uploaded in (from an index, so a key counted a moment ago may be missing). */
  async batchesOf(documentId: string): Promise<string[]> {
    const batchIds = new Set<string>();
    const pages = paginateQuery(
      { client: this.client },
      { TableName: this.membersTableName, IndexName: 'byDocument', KeyConditionExpression: 'documentId = :document', ExpressionAttributeValues: { ':document': documentId } },
    );
    for await (const page of pages) for (const item of page.Items ?? []) batchIds.add(item.batchId as string);
    return [...batchIds].sort();
  }

  /** Head items written before member items existed, with the keys and documents processed as string sets on the head. */
  async *legacyBatches(): AsyncGenerator<LegacyBatch> {
    const pages = paginateScan(
      { client: this.client },
      { TableName: this.tableName, FilterExpression: 'attribute_exists(#keys)', ExpressionAttributeNames: { '#keys': 'keys' } },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        yield { ...toState(item), keys: [...(item.keys as Set<string>)].sort(), documentIds: [...((item.documentIds as Set<string> | undefined) ?? [])].sort() };
      }
    }
  }

  /** Removes a migrated head item's sets. */
  async dropLegacySets(batchId: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({ TableName: this.tableName, Key: { batchId }, UpdateExpression: 'REMOVE #keys, documentIds', ExpressionAttributeNames: { '#keys': 'keys' } }),
    );
  }

  /**
   * Counts `key` as processed for the batch, once: the member item is written only if the key has none,
   * and the head's counter moves in the same transaction. The transaction first requires that nobody has
   * claimed the batch's report yet, so that a key added after the claim is known as one the report does
   * not cover. A key already counted for other bytes is pointed at the new document, not counted again.
   */
  async addMember(member: Omit<BatchMember, 'addedAt'>, expected: number | undefined, now: Date): Promise<Membership> {
    const item: BatchMember = { ...member, addedAt: now.toISOString() };
    for (const afterReport of [false, true]) {
      const failed = await this.countMember(item, expected, afterReport);
      if (failed === undefined) return { kind: 'added', afterReport };
      if (failed === 'member') return this.recount(item);
      // Only the head's condition failed: the report has been claimed; count the key as coming after it.
    }
    throw new Error(`batch ${member.batchId}: the report was claimed, and then was not`);
  }

  /** The transaction; returns which condition cancelled it, if one did. Conflicts with other transactions on the head item are retried. */
  private async countMember(item: BatchMember, expected: number | undefined, afterReport: boolean): Promise<'member' | 'head' | undefined> {
    const command = new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: this.membersTableName, Item: item, ConditionExpression: 'attribute_not_exists(#key)', ExpressionAttributeNames: { '#key': 'key' } } },
        {
          Update: {
            TableName: this.tableName,
            Key: { batchId: item.batchId },
            UpdateExpression: `SET updatedAt = :now, createdAt = if_not_exists(createdAt, :now)${expected !== undefined ? ', expected = :expected' : ''} ADD #processed :one`,
            ...(afterReport ? {} : { ConditionExpression: 'attribute_not_exists(reportRequestedAt)' }),
            ExpressionAttributeNames: { '#processed': 'processed' },
            ExpressionAttributeValues: { ':now': item.addedAt, ':one': 1, ...(expected !== undefined ? { ':expected': expected } : {}) },
          },
        },
      ],
    });
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.send(command);
        return undefined;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const [memberReason, headReason] = (error.CancellationReasons ?? []).map((reason) => reason.Code);
        if (memberReason === 'ConditionalCheckFailed') return 'member';
        if (headReason === 'ConditionalCheckFailed') return 'head';
        // Every document of a batch updates its head item; DynamoDB cancels a transaction that meets another on it.
        const conflict = [memberReason, headReason].includes('TransactionConflict');
        if (!conflict || attempt >= TRANSACTION_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(1000, 20 * 2 ** attempt)));
      }
    }
  }

  /** A key counted before: the same document (a redelivery), or other bytes under the same key. */
  private async recount(item: BatchMember): Promise<Membership> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.membersTableName, Key: { batchId: item.batchId, key: item.key }, ConsistentRead: true }));
    const previousDocumentId = (Item as BatchMember | undefined)?.documentId ?? '';
    if (previousDocumentId === item.documentId) return { kind: 'known' };
    await this.client.send(
      new UpdateCommand({
        TableName: this.membersTableName,
        Key: { batchId: item.batchId, key: item.key },
        UpdateExpression: 'SET documentId = :document, addedAt = :now',
        ConditionExpression: 'attribute_exists(#key)',
        ExpressionAttributeNames: { '#key': 'key' },
        ExpressionAttributeValues: { ':document': item.documentId, ':now': item.addedAt },
      }),
    );
    return { kind: 'replaced', previousDocumentId };
  }

  /**
   * Claims the report of a batch that has just become complete. Returns the request's number to exactly
   * one caller, however many see the batch complete at once; undefined to every other.
   */
  async claimCompletionReport(batchId: string, now: Date): Promise<number | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { batchId },
          UpdateExpression: 'SET reportRequestedAt = :now ADD reportRequests :one',
          ConditionExpression: 'attribute_not_exists(reportRequestedAt) AND #processed >= expected',
          ExpressionAttributeNames: { '#processed': 'processed' },
          ExpressionAttributeValues: { ':now': now.toISOString(), ':one': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Attributes?.reportRequests as number;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /**
   * Gives up a completion claim whose request could not be sent, so that the retried message claims it
   * again; unless a later request has been made since, which brings the report anyway.
   */
  async releaseCompletionReport(batchId: string, request: number): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { batchId },
          UpdateExpression: 'REMOVE reportRequestedAt',
          ConditionExpression: 'reportRequests = :request',
          ExpressionAttributeValues: { ':request': request },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Numbers another report request of a batch whose report has been claimed before. */
  async addReportRequest(batchId: string): Promise<number> {
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { batchId },
        UpdateExpression: 'ADD reportRequests :one',
        ConditionExpression: 'attribute_exists(reportRequestedAt)',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Attributes?.reportRequests as number;
  }

  /**
   * Records the written report: its keys, and the last request it covers. A report that covers less than
   * one recorded before leaves that one's record alone.
   */
  async markReported(batchId: string, reportKeys: string[], coveredRequest: number, now: Date): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { batchId },
          UpdateExpression: 'SET reportedAt = :now, reportKeys = :keys, reportedRequest = :request',
          ConditionExpression: 'attribute_not_exists(reportedRequest) OR reportedRequest <= :request',
          ExpressionAttributeValues: { ':now': now.toISOString(), ':keys': reportKeys, ':request': coveredRequest },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
