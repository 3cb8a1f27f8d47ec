import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { encodeTime } from 'ulid';

/**
 * Balance transactions: one item per movement of a merchant's balance (docs/ledger.md, "Balance
 * transactions"), written by transferItems in the transaction that posts the transfer. A merchant's
 * balance in an asset is `creditsPosted - debitsPosted` of its account (`available + pending` of
 * GET /v1/balances): holds move no balance, so they write none; everything posted does.
 */
export const balanceTransactionTypes = [
  'payment', // a payout debited (automatic capture, or a capture of a hold: its fee in `fee`)
  'payout_fee', // a payout's fee, booked as its own transfer (automatic capture)
  'payment_reversal', // a failed payout's amount paid back to the merchant
  'payout_fee_reversal', // a failed payout's fee paid back
  'charge', // a charge's deposit credited, net of its fee
  'top_up', // sandbox funds credited
  'refund', // a refund of a charge debited (its payout's fee is a payout_fee); source: the refund
  'refund_failure', // a failed refund's amount paid back to the merchant; source: the refund
  'adjustment', // an account's opening balance (older than balance transactions); operators' corrections later
] as const;
export type BalanceTransactionType = (typeof balanceTransactionTypes)[number];

/** What a transfer that moves a merchant's balance says about it: required on every such transfer. */
export interface BalanceMemo {
  type: BalanceTransactionType;
  /** The object that caused it: a payment, a charge, a transfer. */
  source: string;
  chain?: string;
  txHash?: string;
  /** The fee Lanepay took within this movement (so `amount = net + fee`); zero when the fee is its own transfer. */
  feeMinor?: bigint;
}

/**
 * One balance transaction as the audit record of its change states it (balanceMovements): what the
 * transfer's intent fixes, as wire strings. Its id, sequence number, time and `balance_after` come
 * from the account's state when the transaction commits, so they are not part of it.
 */
export type BalanceMovement = {
  transfer_id: string;
  type: BalanceTransactionType;
  source: string;
  asset: string;
  /** Signed minor units: what the balance moved by. */
  net: string;
  fee: string;
  chain?: string;
  tx_hash?: string;
};

/** A merchant account's state the balance transactions of a batch are numbered from. */
export interface AccountState {
  /** How many balance transactions the account has; the account item's `postings` (absent: 0). */
  postings: number;
  creditsPosted: bigint;
  debitsPosted: bigint;
  /** When its last balance transaction was created: later ones never get an earlier time. */
  lastPostingMs: number;
}

export const emptyAccountState: AccountState = { postings: 0, creditsPosted: 0n, debitsPosted: 0n, lastPostingMs: 0 };

/** One balance transaction as transferItems plans it. */
export interface PlannedEntry {
  merchantId: string;
  asset: string;
  netMinor: bigint;
  memo: BalanceMemo;
  transferId: string;
}

const seqDigits = 12;

/**
 * `txn_<time><seq><asset>`: the time (ULID's 10 characters) first, so ids sort as they were created
 * and `created` bounds are key ranges; the account's sequence number next, so one account's ids sort
 * in the order its balance moved even within one millisecond (a batch's entries share its time).
 */
export function balanceTransactionId(createdMs: number, seq: number, asset: string): string {
  return `txn_${encodeTime(createdMs, 10).toLowerCase()}${String(seq).padStart(seqDigits, '0')}${asset.toLowerCase()}`;
}

/** The smallest id created at or after `ms`: ids of earlier times sort below it, later ones above. */
export function balanceTransactionIdBound(ms: number): string {
  // Before 1970 every id is later (ULID time starts there); an RFC 3339 year stays below ULID's end.
  return `txn_${encodeTime(Math.max(0, ms), 10).toLowerCase()}`;
}

export const balanceTransactionIdPattern = /^txn_[0-9a-hjkmnp-tv-z]{10}[0-9]{12}[a-z0-9]{1,16}$/;

/** The table partition listing a merchant's balance transactions (sort key: the id). */
export function balanceTransactionsPartition(merchantId: string): string {
  return `BALTXN#${merchantId}`;
}

/** The gsi1 partition listing one source's balance transactions (`?source=`). */
export function balanceTransactionsBySourcePartition(merchantId: string, source: string): string {
  return `BALTXN#${merchantId}#${source}`;
}

/** The Put of one balance transaction: new, never rewritten (`attribute_not_exists`). */
export function balanceTransactionPut(
  tableName: string,
  entry: PlannedEntry,
  numbered: { id: string; seq: number; balanceAfterMinor: bigint; createdMs: number },
): TransactWriteItem {
  const fee = entry.memo.feeMinor ?? 0n;
  const item: Record<string, AttributeValue> = {
    pk: { S: balanceTransactionsPartition(entry.merchantId) },
    sk: { S: numbered.id },
    gsi1pk: { S: balanceTransactionsBySourcePartition(entry.merchantId, entry.memo.source) },
    gsi1sk: { S: numbered.id },
    entity: { S: 'balance-transaction' },
    id: { S: numbered.id },
    type: { S: entry.memo.type },
    amount: { N: (entry.netMinor + fee).toString() },
    fee: { N: fee.toString() },
    net: { N: entry.netMinor.toString() },
    asset: { S: entry.asset },
    source: { S: entry.memo.source },
    balanceAfter: { N: numbered.balanceAfterMinor.toString() },
    created: { S: new Date(numbered.createdMs).toISOString() },
    seq: { N: String(numbered.seq) },
    transferId: { S: entry.transferId },
    ...(entry.memo.chain ? { chain: { S: entry.memo.chain } } : {}),
    ...(entry.memo.txHash ? { txHash: { S: entry.memo.txHash } } : {}),
  };
  return { Put: { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'NONE' } };
}

/** The state an account item holds (an ALL_OLD image of it, or a read). */
export function accountStateFromItem(item: Record<string, AttributeValue>): AccountState {
  return {
    postings: Number(item.postings?.N ?? '0'),
    creditsPosted: BigInt(item.creditsPosted?.N ?? '0'),
    debitsPosted: BigInt(item.debitsPosted?.N ?? '0'),
    lastPostingMs: Number(item.lastPostingMs?.N ?? '0'),
  };
}
