import { GetItemCommand, paginateQuery, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  laneDigestFromItem, periodFromItem, periodLeafFromItem, periodLeavesPartition, type StoredLeaf, periodHeadKey, periodKey, periodPartition, digestSortKeyPrefix, type LaneDigest, type StoredPeriod,
} from './digests.js';
import type { ChainHead } from './items.js';
import {
  auditHeadKey, auditLaneCount, auditLanePartition, auditPartition, auditRegistryPartition, chainFromRegistrySortKey, recordSortKey, recordSortKeyPrefix, storedRecordFromItem, type StoredRecord,
} from './record.js';
import { readItem } from '../aws/item.js';
import * as z from 'zod';

/** An entry of the lane registry: its sort key names the lane; closedSeq is the last sequence a closed period covers. */
export const registryEntrySchema = z.object({ sk: z.string(), closedSeq: z.number().default(0) });

type Reader = { dynamodb: DynamoDBClient; tableName: string };

export async function readHead(deps: Reader, merchantId: string, lane: number): Promise<ChainHead | undefined> {
  const { Item } = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: auditHeadKey(merchantId, lane), ConsistentRead: true }));
  return Item?.seq?.N && Item.hash?.S ? { seq: Number(Item.seq.N), hash: Item.hash.S } : undefined;
}

/** Every item under the lane's record prefix, in key order, including any that no writer produced. */
export async function readRecords(deps: Reader, merchantId: string, lane: number, range?: { fromSeq: number; toSeq?: number }): Promise<StoredRecord[]> {
  const records: StoredRecord[] = [];
  const bounded = range !== undefined;
  const pages = paginateQuery({ client: deps.dynamodb, pageSize: 1000 }, {
    TableName: deps.tableName,
    ConsistentRead: true,
    KeyConditionExpression: bounded ? 'pk = :pk AND sk BETWEEN :from AND :to' : 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: bounded
      ? { ':pk': { S: auditLanePartition(merchantId, lane) }, ':from': { S: recordSortKey(range.fromSeq) }, ':to': { S: range.toSeq === undefined ? `${recordSortKeyPrefix}\uffff` : `${recordSortKey(range.toSeq)}\uffff` } }
      : { ':pk': { S: auditLanePartition(merchantId, lane) }, ':prefix': { S: recordSortKeyPrefix } },
  });
  for await (const page of pages) for (const item of page.Items ?? []) records.push(storedRecordFromItem(item));
  return records;
}

export interface RegisteredLane {
  merchantId: string;
  lane: number;
  /** The last seq a period close covered. */
  closedSeq: number;
}

/** The lanes that have records (all merchants', or one merchant's), with what a period close covered. */
export async function readRegistry(deps: Reader, merchantId?: string): Promise<RegisteredLane[]> {
  const lanes: RegisteredLane[] = [];
  const pages = paginateQuery({ client: deps.dynamodb, pageSize: 1000 }, {
    TableName: deps.tableName,
    ConsistentRead: true,
    KeyConditionExpression: merchantId ? 'pk = :pk AND begins_with(sk, :merchant)' : 'pk = :pk',
    ExpressionAttributeValues: { ':pk': { S: auditRegistryPartition }, ...(merchantId ? { ':merchant': { S: `${merchantId}#` } } : {}) },
  });
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      const { sk, closedSeq } = readItem(registryEntrySchema, item);
      const lane = chainFromRegistrySortKey(sk);
      if (lane) lanes.push({ ...lane, closedSeq });
    }
  }
  return lanes;
}

/**
 * Every record of the merchant, all lanes, ordered by time (then lane and seq). Within a lane the
 * order is the chain's; across lanes it is the writers' clocks: changes to one object still follow
 * each other, each made in a transaction conditioned on the one before.
 */
export async function readMerchantLog(deps: Reader, merchantId: string): Promise<StoredRecord[]> {
  const lanes = await Promise.all(Array.from({ length: auditLaneCount }, (_, lane) => readRecords(deps, merchantId, lane)));
  return lanes.flat().sort((a, b) => (a.body.at < b.body.at ? -1 : a.body.at > b.body.at ? 1 : a.body.lane - b.body.lane || a.body.seq - b.body.seq));
}

export async function readMerchantDigests(deps: Reader, merchantId: string): Promise<LaneDigest[]> {
  const digests: LaneDigest[] = [];
  const pages = paginateQuery({ client: deps.dynamodb, pageSize: 1000 }, {
    TableName: deps.tableName,
    ConsistentRead: true,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': { S: auditPartition(merchantId) }, ':prefix': { S: digestSortKeyPrefix } },
  });
  for await (const page of pages) for (const item of page.Items ?? []) digests.push(laneDigestFromItem(item));
  return digests;
}

export async function readPeriod(deps: Reader, periodId: string): Promise<StoredPeriod | undefined> {
  const { Item } = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: periodKey(periodId), ConsistentRead: true }));
  return Item ? periodFromItem(Item) : undefined;
}

/** The most recent closed period, or undefined before the first close. */
export async function readLatestPeriod(deps: Reader): Promise<StoredPeriod | undefined> {
  const pages = paginateQuery({ client: deps.dynamodb, pageSize: 1 }, {
    TableName: deps.tableName,
    ConsistentRead: true,
    // Period ids are ISO timestamps; the head item's key sorts below them all.
    KeyConditionExpression: 'pk = :pk AND sk > :head',
    ExpressionAttributeValues: { ':pk': { S: periodPartition }, ':head': { S: periodHeadKey.sk.S } },
    ScanIndexForward: false,
    Limit: 1,
  });
  for await (const page of pages) {
    const item = page.Items?.[0];
    return item ? periodFromItem(item) : undefined;
  }
  return undefined;
}

/** Every item under the period's leaf partition, in key order, including any that no close made. */
export async function readPeriodLeaves(deps: Reader, periodId: string): Promise<StoredLeaf[]> {
  const leaves: StoredLeaf[] = [];
  const pages = paginateQuery({ client: deps.dynamodb, pageSize: 1000 }, {
    TableName: deps.tableName,
    ConsistentRead: true,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': { S: periodLeavesPartition(periodId) } },
  });
  for await (const page of pages) for (const item of page.Items ?? []) leaves.push(periodLeafFromItem(item));
  return leaves;
}
