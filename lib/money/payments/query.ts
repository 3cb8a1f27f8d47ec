import { BatchGetItemCommand, QueryCommand, type AttributeValue, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { encodeTime } from 'ulid';
import { merchantAccount, merchantAccountKey } from '#ledger';
import { NotFoundError, type Page } from '#platform';
import type { PaymentDeps } from './deps.js';
import { recordFromItem } from './items.js';
import { type ListPaymentsQuery, type Payment } from './schemas.js';
import { readPayment } from './settle.js';
import { merchantPaymentsPartition } from './items.js';

type ReadDeps = Pick<PaymentDeps, 'dynamodb' | 'tableName' | 'chains'>;

export async function getPayment(deps: ReadDeps, merchantId: string, paymentId: string): Promise<Payment> {
  return (await readPayment(deps, merchantId, paymentId)).payment;
}

/**
 * Newest first. Ids are time-ordered, so the cursor is the id itself, and the `created` bounds are
 * bounds of the sort key (a key condition: they cost nothing). `status` and `chain` filter what the
 * range holds: a page of a rare status reads on through the merchant's payments until it is full
 * or the range ends, as balance transactions' `type` does, never through another merchant's.
 */
export async function listPayments(deps: ReadDeps, merchantId: string, query: ListPaymentsQuery): Promise<Page<Payment>> {
  const lower = query['created[gte]'] ? paymentIdBound(Date.parse(query['created[gte]'])) : undefined;
  const uppers = [query.starting_after, query['created[lt]'] ? paymentIdBound(Date.parse(query['created[lt]'])) : undefined].filter((b): b is string => b !== undefined);
  const upper = uppers.length ? uppers.reduce((a, b) => (a < b ? a : b)) : undefined;
  if (lower && upper && lower >= upper) return { object: 'list', data: [], has_more: false };
  const values: Record<string, AttributeValue> = { ':p': { S: merchantPaymentsPartition(merchantId) } };
  let keyCondition = 'gsi1pk = :p';
  const filters: string[] = [];
  if (lower && upper) {
    // BETWEEN includes its upper end: the cursor itself is filtered out (a time bound is no payment id).
    keyCondition += ' AND gsi1sk BETWEEN :lo AND :hi';
    filters.push('gsi1sk <> :hi');
  } else if (upper) keyCondition += ' AND gsi1sk < :hi';
  else if (lower) keyCondition += ' AND gsi1sk >= :lo';
  if (lower) values[':lo'] = { S: lower };
  if (upper) values[':hi'] = { S: upper };
  if (query.status) {
    filters.push('#status = :status');
    values[':status'] = { S: query.status };
  }
  if (query.chain) {
    // The chain is inside the stored object (items older than any chain attribute have it too); a
    // registry name has no character JSON escapes, so this text is exactly how the object holds it.
    filters.push('contains(#object, :chain)');
    values[':chain'] = { S: `"chain":${JSON.stringify(query.chain)}` };
  }
  const names = { ...(query.status ? { '#status': 'status' } : {}), ...(query.chain ? { '#object': 'object' } : {}) };
  const input: QueryCommandInput = {
    TableName: deps.tableName,
    IndexName: 'gsi1',
    KeyConditionExpression: keyCondition,
    ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
    ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
    ExpressionAttributeValues: values,
    ScanIndexForward: false,
    Limit: query.limit + 1,
  };
  const found: Record<string, AttributeValue>[] = [];
  let startKey: Record<string, AttributeValue> | undefined;
  // A filter applies after Limit: read on until one more than a page matched, or the range ends.
  do {
    const result = await deps.dynamodb.send(new QueryCommand({ ...input, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
    found.push(...(result.Items ?? []));
    startKey = result.LastEvaluatedKey;
  } while (startKey && found.length <= query.limit);
  return { object: 'list', data: found.slice(0, query.limit).map((item) => recordFromItem(item).payment), has_more: found.length > query.limit };
}

/** The smallest payment id made at `ms` or later (ids begin with their time, lib/platform/ids). */
function paymentIdBound(ms: number): string {
  // Before 1970 every id is later (ULID time starts there); an RFC 3339 year stays below ULID's end.
  return `pay_${encodeTime(Math.max(0, ms), 10).toLowerCase()}`;
}

export interface Balance {
  asset: string;
  available: string;
  pending: string;
}

/** One entry per asset the platform carries; `pending` is what holds reserve. */
export async function getBalances(deps: ReadDeps, merchantId: string): Promise<Page<Balance>> {
  const assets = deps.chains.assets();
  const result = await deps.dynamodb.send(
    new BatchGetItemCommand({
      RequestItems: {
        [deps.tableName]: {
          Keys: assets.map((asset) => merchantAccountKey(merchantId, asset)),
          ConsistentRead: true,
        },
      },
    }),
  );
  const byAccount = new Map((result.Responses?.[deps.tableName] ?? []).map((item) => [item.accountId?.S, item]));
  const data = assets.map((asset) => {
    const item = byAccount.get(merchantAccount(merchantId, asset));
    return { asset, available: item?.available?.N ?? '0', pending: item?.debitsPending?.N ?? '0' };
  });
  return { object: 'list', data, has_more: false };
}
