import { paginateQuery, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { idRange, newestFirstInRange, type ListFilter, type Page } from '#platform';
import type { BalanceTransaction, BalanceTransactionsQuery } from './balance-schemas.js';
import { balanceTransactionIdBound, balanceTransactionsBySourcePartition, balanceTransactionsPartition } from './balance-transactions.js';

type ReadDeps = { dynamodb: DynamoDBClient; tableName: string };

/**
 * A merchant's balance transactions, newest first (GET /v1/balance_transactions). Every filter but
 * `type` is a key condition: `created` bounds and the cursor bound the sort key (ids begin with their
 * time), `source` reads that source's own gsi1 partition (a few items). `type` filters what those
 * read, so a page of a rare type may read more of the merchant's items than it answers; never another
 * merchant's.
 */
export async function listBalanceTransactions(deps: ReadDeps, merchantId: string, query: BalanceTransactionsQuery): Promise<Page<BalanceTransaction>> {
  const page = await listLedgerEntries(deps, merchantId, query);
  return { ...page, data: page.data.map(({ transfer_id: _transfer, seq: _seq, ...transaction }) => transaction) };
}

/** listBalanceTransactions with each entry's transfer and sequence number (for what else it names). */
export async function listLedgerEntries(deps: ReadDeps, merchantId: string, query: BalanceTransactionsQuery): Promise<Page<LedgerEntry>> {
  const range = idRange(query, balanceTransactionIdBound);
  if (!range) return { object: 'list', data: [], has_more: false };
  const filter: ListFilter = query.type
    ? { expressions: ['#type = :type'], names: { '#type': 'type' }, values: { ':type': { S: query.type } } }
    : { expressions: [], names: {}, values: {} };
  const list = query.source
    ? { partition: balanceTransactionsBySourcePartition(merchantId, query.source), index: 'gsi1' as const }
    : { partition: balanceTransactionsPartition(merchantId) };
  const { items, hasMore } = await newestFirstInRange(deps, { ...list, range, filter }, query.limit);
  return { object: 'list', data: items.map(ledgerEntryFromItem), has_more: hasMore };
}

export function balanceTransactionFromItem(item: Record<string, AttributeValue>): BalanceTransaction {
  const s = (name: string) => {
    const value = item[name]?.S ?? item[name]?.N;
    if (value === undefined) throw new Error(`balance transaction ${item.id?.S}: no ${name}`);
    return value;
  };
  return {
    id: s('id'),
    object: 'balance_transaction',
    type: s('type') as BalanceTransaction['type'],
    amount: s('amount'),
    fee: s('fee'),
    net: s('net'),
    asset: s('asset'),
    source: s('source'),
    chain: item.chain?.S ?? null,
    tx_hash: item.txHash?.S ?? null,
    balance_after: s('balanceAfter'),
    created: s('created'),
  };
}

/** A balance transaction with what ties it to its change: its transfer and its place in its account. */
export type LedgerEntry = BalanceTransaction & { transfer_id: string; seq: number };

function ledgerEntryFromItem(item: Record<string, AttributeValue>): LedgerEntry {
  return { ...balanceTransactionFromItem(item), transfer_id: item.transferId?.S ?? '', seq: Number(item.seq?.N ?? '0') };
}

/**
 * Every balance transaction of the merchant created in [fromMs, toMs), oldest first (a statement):
 * one key range of its partition, read to the end.
 */
export async function readBalanceTransactionsBetween(deps: ReadDeps, merchantId: string, fromMs: number, toMs: number): Promise<LedgerEntry[]> {
  const entries: LedgerEntry[] = [];
  const pages = paginateQuery({ client: deps.dynamodb, pageSize: 500 }, {
    TableName: deps.tableName,
    KeyConditionExpression: 'pk = :p AND sk BETWEEN :lo AND :hi',
    ExpressionAttributeValues: { ':p': { S: balanceTransactionsPartition(merchantId) }, ':lo': { S: balanceTransactionIdBound(fromMs) }, ':hi': { S: balanceTransactionIdBound(toMs) } },
    ConsistentRead: true,
  });
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      // BETWEEN includes its upper end: an id is never equal to a bare time bound, but be exact.
      if (item.sk?.S === balanceTransactionIdBound(toMs)) continue;
      entries.push(ledgerEntryFromItem(item));
    }
  }
  return entries;
}
