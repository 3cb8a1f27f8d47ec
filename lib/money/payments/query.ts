import { BatchGetItemCommand } from '@aws-sdk/client-dynamodb';
import { encodeTime } from 'ulid';
import { merchantAccount, merchantAccountKey } from '#ledger';
import { idRange, newestFirstInRange, NotFoundError, type ListFilter, type Page } from '#platform';
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
  const range = idRange(query, paymentIdBound);
  if (!range) return { object: 'list', data: [], has_more: false };
  const filter: ListFilter = { expressions: [], names: {}, values: {} };
  if (query.status) {
    filter.expressions.push('#status = :status');
    filter.names['#status'] = 'status';
    filter.values[':status'] = { S: query.status };
  }
  if (query.chain) {
    // The chain is inside the stored object (items older than any chain attribute have it too); a
    // registry name has no character JSON escapes, so this text is exactly how the object holds it.
    filter.expressions.push('contains(#object, :chain)');
    filter.names['#object'] = 'object';
    filter.values[':chain'] = { S: `"chain":${JSON.stringify(query.chain)}` };
  }
  const { items, hasMore } = await newestFirstInRange(deps, { partition: merchantPaymentsPartition(merchantId), index: 'gsi1', range, filter }, query.limit);
  return { object: 'list', data: items.map((item) => recordFromItem(item).payment), has_more: hasMore };
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
