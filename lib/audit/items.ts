import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import {
  auditHeadKey, auditRegistryKey, genesisHash, recordItem, sealRecord, type AuditEntry, type AuditRecord,
} from './record.js';

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
 * The last head each lane had when this container last wrote or saw it. It saves the read of the
 * head before every write: a stale entry only costs the cancelled transaction that corrects it (the
 * head's condition fails, DynamoDB returns the current head, chain-retry.ts rebuilds and resends).
 */
const knownHeads = new Map<string, ChainHead>();

function headCacheKey(ref: LaneRef): string {
  return `${ref.tableName}\u0000${ref.merchantId}\u0000${ref.lane}`;
}

export function knownHead(ref: LaneRef): ChainHead {
  return knownHeads.get(headCacheKey(ref)) ?? { seq: 0, hash: genesisHash };
}

export function rememberHead(ref: LaneRef, head: ChainHead): void {
  const key = headCacheKey(ref);
  const current = knownHeads.get(key);
  if (!current || current.seq < head.seq) knownHeads.set(key, head);
}

/** What DynamoDB just said the head is: replaces the cached one, even if older (a table restored or recreated). */
export function correctHead(ref: LaneRef, head: ChainHead): void {
  knownHeads.set(headCacheKey(ref), head);
}

/** Forgets every cached head (tests that rewrite tables behind the writers' back). */
export function forgetHeads(): void {
  knownHeads.clear();
}

/**
 * The transaction items that append one audit record to one of the merchant's hash chains: the
 * record itself and the lane's head (plus, for a lane's first record, the registry entry the period
 * close lists lanes from). Writers append them LAST to the transaction that makes the change, so no
 * change commits without its record and the writers' own items keep their positions. They are built
 * on lane 0; the client that sends them (chain-retry.ts) moves the record to its own lane.
 */
export function auditItems(tableName: string, entry: AuditEntry): TransactWriteItem[] {
  const lane = 0;
  const head = knownHead({ tableName, merchantId: entry.merchantId, lane });
  return chainItems(tableName, sealRecord({
    merchant_id: entry.merchantId,
    lane,
    seq: head.seq + 1,
    at: entry.at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    object: entry.object,
    prev_hash: head.hash,
  }));
}

/** Items for a record whose `seq` and `prev_hash` already name the head it extends. */
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
