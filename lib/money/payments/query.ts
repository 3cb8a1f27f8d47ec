import { BatchGetItemCommand } from '@aws-sdk/client-dynamodb';
import { merchantAccount, merchantAccountKey } from '#ledger';
import { newestFirstPage, NotFoundError, type Page, type PageRequest } from '#platform';
import type { PaymentDeps } from './deps.js';
import { recordFromItem } from './items.js';
import { type Payment } from './schemas.js';
import { readPayment } from './settle.js';
import { merchantPaymentsPartition } from './items.js';

type ReadDeps = Pick<PaymentDeps, 'dynamodb' | 'tableName' | 'chains'>;

export async function getPayment(deps: ReadDeps, merchantId: string, paymentId: string): Promise<Payment> {
  return (await readPayment(deps, merchantId, paymentId)).payment;
}

/** Newest first. Ids are time-ordered, so the cursor is the id itself. */
export async function listPayments(deps: ReadDeps, merchantId: string, page: PageRequest): Promise<Page<Payment>> {
  return newestFirstPage(deps, { index: 'gsi1', partition: merchantPaymentsPartition(merchantId) }, page, (item) => recordFromItem(item).payment);
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
