import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AgreementRecord } from '../schema/record.js';

/**
 * The records table: one item per document (by sha256), holding the record in the contract's shape and
 * the attributes its indexes are built on — recipient and year, status, batch — plus every object key
 * the same bytes were uploaded under.
 */
export class RecordsTable {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(documentId: string): Promise<{ record: AgreementRecord; keys: string[] } | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { documentId } }));
    if (!Item) return undefined;
    return { record: Item.record as AgreementRecord, keys: [...((Item.keys as Set<string> | undefined) ?? [])].sort() };
  }

  /** Writes the record (or keeps the stored one) and adds `key` to the keys it was seen under; idempotent. */
  async put(record: AgreementRecord, key: string, now: Date): Promise<void> {
    const recipient = record.agreement.parties?.find((party) => party.role === 'recipient')?.name;
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { documentId: record.documentId },
        UpdateExpression: `SET #record = :record, #status = :status, updatedAt = :now${recipient ? ', recipient = :recipient' : ''}${
          record.agreement.budgetYear !== undefined ? ', budgetYear = :year' : ''
        } ADD #keys :key`,
        ExpressionAttributeNames: { '#record': 'record', '#status': 'status', '#keys': 'keys' },
        ExpressionAttributeValues: {
          ':record': record,
          ':status': record.status,
          ':now': now.toISOString(),
          ':key': new Set([key]),
          ...(recipient ? { ':recipient': recipient } : {}),
          ...(record.agreement.budgetYear !== undefined ? { ':year': record.agreement.budgetYear } : {}),
        },
      }),
    );
  }

  /** Adds another key the same bytes were seen under, without touching the record. */
  async addKey(documentId: string, key: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { documentId },
        UpdateExpression: 'ADD #keys :key',
        ExpressionAttributeNames: { '#keys': 'keys' },
        ExpressionAttributeValues: { ':key': new Set([key]) },
      }),
    );
  }
}
