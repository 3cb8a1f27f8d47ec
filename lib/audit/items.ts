import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { auditHeadKey, auditRegistryKey, recordItem, type AuditRecord } from './record.js';

export interface ChainHead {
  seq: number;
  hash: string;
}

/** One of a merchant's chains: the lanes of record.ts. */
export interface LaneRef {
  tableName: string;
  merchantId: string;
  lane: number;
}

/**
 * The transaction items that append one audit record to one of the merchant's lanes: the record
 * itself and the lane's head (plus, for a lane's first record, the registry entry the period close
 * lists lanes from). Only the audit writer (writer.ts) builds them, on the head it knows, and sends
 * them after the change's own items.
 */
export function chainItems(tableName: string, record: AuditRecord): TransactWriteItem[] {
  const first = record.seq === 1;
  const items: TransactWriteItem[] = [
    { Put: { TableName: tableName, Item: recordItem(record), ConditionExpression: 'attribute_not_exists(pk)' } },
    {
      Update: {
        TableName: tableName,
        Key: auditHeadKey(record.merchant_id, record.lane),
        UpdateExpression: 'SET seq = :seq, #hash = :hash, entity = :entity',
        // The lane's only guard: the head is still the one this record extends.
        ConditionExpression: first ? 'attribute_not_exists(pk)' : 'seq = :prev',
        ExpressionAttributeNames: { '#hash': 'hash' },
        ExpressionAttributeValues: {
          ':seq': { N: String(record.seq) },
          ':hash': { S: record.hash },
          ':entity': { S: 'audit-head' },
          ...(first ? {} : { ':prev': { N: String(record.seq - 1) } }),
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
  ];
  if (first) {
    items.push({
      Put: {
        TableName: tableName,
        Item: { ...auditRegistryKey(record.merchant_id, record.lane), entity: { S: 'audit-chain' }, closedSeq: { N: '0' } },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }
  return items;
}

/** An actor for changes made with the operator's AWS credentials (CLI, scripts). */
export const operatorActor = { type: 'operator', id: null } as const;
/** An actor for changes Lanepay makes on its own (expiry sweep, chain checks, KYC checks). */
export const systemActor = { type: 'system', id: null } as const;
