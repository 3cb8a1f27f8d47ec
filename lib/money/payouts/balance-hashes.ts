import { BatchGetItemCommand, type DynamoDBClient, type KeysAndAttributes } from '@aws-sdk/client-dynamodb';
import { listLedgerEntries, type BalanceTransaction, type BalanceTransactionsQuery } from '#ledger';
import type { Page } from '#platform';
import { paymentKey, recordFromItem } from '../payments/items.js';

type ReadDeps = { dynamodb: DynamoDBClient; tableName: string };

/** A payout's (or a refund's payout's) debit, capture and fee name its payment; its reversals do not. */
const payoutTransferId = /^trf_(?:payout|fee|capture)_(pay_[0-9a-z]{26})$/;

/**
 * GET /v1/balance_transactions: a page of the merchant's balance transactions, each payout's with the
 * hash of the transaction that paid it. Those entries are written when the payout is accepted, before
 * any transaction exists, and the payment holds the hash once the payout succeeded: one BatchGetItem
 * of the page's payments (at most 100) reads them. A payout not yet final, or failed, has none.
 */
export async function listBalanceTransactionsWithHashes(deps: ReadDeps, merchantId: string, query: BalanceTransactionsQuery): Promise<Page<BalanceTransaction>> {
  const page = await listLedgerEntries(deps, merchantId, query);
  const paymentOf = (transferId: string) => payoutTransferId.exec(transferId)?.[1];
  const paymentIds = [...new Set(page.data.filter((entry) => entry.tx_hash === null).map((entry) => paymentOf(entry.transfer_id)).filter((id): id is string => id !== undefined))];
  const hashes = await succeededHashes(deps, merchantId, paymentIds);
  return {
    ...page,
    data: page.data.map(({ transfer_id: transferId, seq: _seq, ...transaction }) => ({
      ...transaction,
      tx_hash: transaction.tx_hash ?? hashes.get(paymentOf(transferId) ?? '') ?? null,
    })),
  };
}

/** The tx hash of each of these payments of the merchant that succeeded. */
async function succeededHashes(deps: ReadDeps, merchantId: string, paymentIds: string[]): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  let request: Record<string, KeysAndAttributes> | undefined = paymentIds.length === 0 ? undefined : {
    [deps.tableName]: { Keys: paymentIds.map(paymentKey), ConsistentRead: true },
  };
  // BatchGetItem may leave keys unprocessed under load; they are asked again (at most 100 here).
  while (request && Object.keys(request).length > 0) {
    const result = await deps.dynamodb.send(new BatchGetItemCommand({ RequestItems: request }));
    for (const item of result.Responses?.[deps.tableName] ?? []) {
      const { payment, merchantId: owner } = recordFromItem(item);
      if (owner === merchantId && payment.status === 'succeeded' && payment.tx_hash) hashes.set(payment.id, payment.tx_hash);
    }
    request = result.UnprocessedKeys;
  }
  return hashes;
}
