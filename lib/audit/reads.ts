import { GetItemCommand, paginateQuery, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  merchantDigestFromItem, periodFromItem, periodHeadKey, periodKey, periodPartition, digestSortKeyPrefix, type MerchantDigest, type StoredPeriod,
} from './digests.js';
import type { ChainHead } from './items.js';
import { auditHeadKey, auditPartition, auditRegistryPartition, recordSortKey, recordSortKeyPrefix, storedRecordFromItem, type StoredRecord } from './record.js';

type Reader = { dynamodb: DynamoDBClient; tableName: string };

export async function readHead(deps: Reader, merchantId: string): Promise<ChainHead | undefined> {
  const { Item } = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: auditHeadKey(merchantId), ConsistentRead: true }));
  return Item?.seq?.N && Item.hash?.S ? { seq: Number(Item.seq.N), hash: Item.hash.S } : undefined;
}

/** Every item under the merchant's record prefix, in key order, including any that no writer produced. */
export async function readRecords(deps: Reader, merchantId: string, range?: { fromSeq: number; toSeq?: number }): Promise<StoredRecord[]> {
  const records: StoredRecord[] = [];
  const bounded = range !== undefined;
  const pages = paginateQuery({ client: deps.dynamodb, pageSize: 1000 }, {
    TableName: deps.tableName,
    ConsistentRead: true,
    KeyConditionExpression: bounded ? 'pk = :pk AND sk BETWEEN :from AND :to' : 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: bounded
      ? { ':pk': { S: auditPartition(merchantId) }, ':from': { S: recordSortKey(range.fromSeq) }, ':to': { S: range.toSeq === undefined ? `${recordSortKeyPrefix}\uffff` : `${recordSortKey(range.toSeq)}\uffff` } }
      : { ':pk': { S: auditPartition(merchantId) }, ':prefix': { S: recordSortKeyPrefix } },
  });
  for await (const page of pages) for (const item of page.Items ?? []) records.push(storedRecordFromItem(item));
  return records;
}

/** The merchants whose chains exist, with the last seq a period close covered. */
export async function readRegistry(deps: Reader): Promise<{ merchantId: string; closedSeq: number }[]> {
  const merchants: { merchantId: string; closedSeq: number }[] = [];
  const pages = paginateQuery({ client: deps.dynamodb, pageSize: 1000 }, {
    TableName: deps.tableName,
    ConsistentRead: true,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': { S: auditRegistryPartition } },
  });
  for await (const page of pages) for (const item of page.Items ?? []) merchants.push({ merchantId: item.sk!.S!, closedSeq: Number(item.closedSeq?.N ?? '0') });
  return merchants;
}

export async function readMerchantDigests(deps: Reader, merchantId: string): Promise<MerchantDigest[]> {
  const digests: MerchantDigest[] = [];
  const pages = paginateQuery({ client: deps.dynamodb, pageSize: 1000 }, {
    TableName: deps.tableName,
    ConsistentRead: true,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': { S: auditPartition(merchantId) }, ':prefix': { S: digestSortKeyPrefix } },
  });
  for await (const page of pages) for (const item of page.Items ?? []) digests.push(merchantDigestFromItem(item));
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
