import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { conditionFailedAt } from '#platform';
import { registerBatch, knownAccountState, type PlannedBatch } from './account-states.js';
import { accountItemKey, isGuarded, isGuardedAccountKey, type AccountId } from './accounts.js';
import { balanceTransactionId, balanceTransactionPut, type AccountState, type BalanceMemo, type BalanceMovement, type PlannedEntry } from './balance-transactions.js';

/**
 * Two-phase transfers in TigerBeetle's vocabulary. A batch of transfers becomes DynamoDB
 * transaction items: one Put per transfer (attribute_not_exists: the id is the idempotency key),
 * one conditional Update per pending transfer resolved, and ONE Update per account item touched,
 * with the deltas of every transfer in the batch summed (a transaction may not touch an item twice).
 */
export type TransferIntent =
  | { kind: 'pending'; id: string; debit: AccountId; credit: AccountId; amountMinor: bigint; asset: string }
  | { kind: 'posted'; id: string; debit: AccountId; credit: AccountId; amountMinor: bigint; asset: string; rootId?: string; memo?: BalanceMemo }
  | { kind: 'post_pending'; id: string; pending: PendingTransfer; amountMinor: bigint; memo?: BalanceMemo }
  | { kind: 'void_pending'; id: string; pending: PendingTransfer };

export interface PendingTransfer {
  id: string;
  debit: AccountId;
  credit: AccountId;
  amountMinor: bigint;
  asset: string;
}

interface Deltas {
  key: { pk: string; sk: string };
  account: AccountId;
  asset: string;
  debitsPending: bigint;
  debitsPosted: bigint;
  creditsPending: bigint;
  creditsPosted: bigint;
  /** The balance transactions of a merchant account, in the order of the batch's transfers. */
  entries: PlannedEntry[];
}

/**
 * The batch's items. A transfer that moves a merchant's posted balance carries a memo and becomes a
 * balance transaction, numbered from the account's known state (account-states.ts) and written
 * here, with the account's update conditioned on that state: send the items with `ledgerPostings`
 * (writeAudited), which rebuilds them when the state moved.
 */
export function transferItems(tableName: string, transfers: TransferIntent[], nowIso: string): TransactWriteItem[] {
  const batch: PlannedBatch = { tableName, rebuild: () => transferItems(tableName, transfers, nowIso), items: [], accounts: [] };
  const deltas = new Map<string, Deltas>();
  const items: TransactWriteItem[] = [];
  const touch = (account: AccountId, asset: string, rootId: string) => {
    const key = accountItemKey(account, rootId);
    const id = `${key.pk}|${key.sk}`;
    let entry = deltas.get(id);
    if (!entry) {
      entry = { key, account, asset, debitsPending: 0n, debitsPosted: 0n, creditsPending: 0n, creditsPosted: 0n, entries: [] };
      deltas.set(id, entry);
    }
    return entry;
  };

  for (const t of transfers) {
    if (t.kind === 'pending' || t.kind === 'posted') {
      if (t.amountMinor <= 0n) throw new RangeError(`transfer ${t.id}: amount must be positive`);
      const rootId = t.kind === 'posted' ? (t.rootId ?? t.id) : t.id;
      const field = t.kind === 'pending' ? 'Pending' : 'Posted';
      const debit = touch(t.debit, t.asset, rootId);
      const credit = touch(t.credit, t.asset, rootId);
      debit[`debits${field}`] += t.amountMinor;
      credit[`credits${field}`] += t.amountMinor;
      if (t.kind === 'posted') moveBalances(t, debit, credit, t.amountMinor);
      items.push(putTransfer(tableName, t.id, { ...t, state: t.kind === 'pending' ? 'pending' : 'posted' }, nowIso));
      continue;
    }
    const { pending } = t;
    const posted = t.kind === 'post_pending' ? t.amountMinor : 0n;
    if (posted < 0n || posted > pending.amountMinor) {
      throw new RangeError(`transfer ${t.id}: post amount must be between 0 and ${pending.amountMinor}`);
    }
    const debit = touch(pending.debit, pending.asset, pending.id);
    const credit = touch(pending.credit, pending.asset, pending.id);
    debit.debitsPending -= pending.amountMinor;
    credit.creditsPending -= pending.amountMinor;
    debit.debitsPosted += posted;
    credit.creditsPosted += posted;
    if (t.kind === 'post_pending' && posted > 0n) moveBalances(t, debit, credit, posted);
    items.push(resolvePending(tableName, pending.id, t.kind === 'post_pending' ? 'posted' : 'voided', nowIso));
    items.push(
      putTransfer(
        tableName,
        t.id,
        { kind: t.kind, debit: pending.debit, credit: pending.credit, asset: pending.asset, amountMinor: posted, pendingId: pending.id, state: t.kind === 'post_pending' ? 'posted' : 'voided' },
        nowIso,
      ),
    );
  }
  const nowMs = Date.parse(nowIso);
  for (const entry of deltas.values()) {
    if (entry.entries.length === 0) {
      items.push(accountUpdate(tableName, entry));
      continue;
    }
    const expected = knownAccountState(tableName, entry.account);
    const numbered = numberEntries(tableName, entry, expected, nowMs);
    items.push(...numbered.puts);
    const update = accountUpdate(tableName, entry, { expected, after: numbered.after });
    items.push(update);
    batch.accounts.push({ account: entry.account, update, expected, after: numbered.after });
  }
  batch.items = items;
  registerBatch(batch);
  return items;
}

/** Adds a posted movement's balance transactions to the merchant accounts it moves (a memo is required there). */
function moveBalances(t: { id: string; memo?: BalanceMemo }, debit: Deltas, credit: Deltas, amountMinor: bigint): void {
  for (const [side, netMinor] of [[debit, -amountMinor], [credit, amountMinor]] as const) {
    if (!isGuarded(side.account)) continue;
    if (!t.memo) throw new RangeError(`transfer ${t.id} moves ${side.account} and says nothing of it: a balance transaction needs a memo`);
    side.entries.push({ merchantId: merchantOf(side.account), asset: side.asset, netMinor, memo: t.memo, transferId: t.id });
  }
}

/**
 * What the batch's transfers do to merchant balances, one movement per balance transaction that
 * transferItems writes for them (in the same order), as the change's audit record states it
 * (`movements` of AuditEntry): only what does not depend on the account's state, so it holds when
 * the items are rebuilt on a moved account. An account's opening-balance adjustment, which depends on
 * that state, is not among them (docs/statements.md).
 */
export function balanceMovements(transfers: TransferIntent[]): BalanceMovement[] {
  const movements: BalanceMovement[] = [];
  for (const t of transfers) {
    if (t.kind === 'pending' || t.kind === 'void_pending') continue;
    const [debit, credit, asset] = t.kind === 'posted' ? [t.debit, t.credit, t.asset] : [t.pending.debit, t.pending.credit, t.pending.asset];
    if (t.amountMinor <= 0n) continue;
    for (const [account, netMinor] of [[debit, -t.amountMinor], [credit, t.amountMinor]] as const) {
      if (!isGuarded(account) || !t.memo) continue;
      const fee = t.memo.feeMinor ?? 0n;
      movements.push({
        transfer_id: t.id, type: t.memo.type, source: t.memo.source, asset, net: netMinor.toString(), fee: fee.toString(),
        ...(t.memo.chain ? { chain: t.memo.chain } : {}), ...(t.memo.txHash ? { tx_hash: t.memo.txHash } : {}),
      });
    }
  }
  return movements;
}

/** The source of an opening-balance adjustment: no object caused it but the ledger's own history. */
export const openingBalanceSource = 'opening_balance';

function merchantOf(account: AccountId): string {
  return account.split(':')[1]!;
}

/**
 * Numbers a merchant account's balance transactions from the state the update will be conditioned
 * on: sequence numbers after its `postings`, `balance_after` from its posted totals plus the nets
 * before and including each, one time for the batch, never before the account's last one. An
 * account older than balance transactions (none yet, a balance already) gets its opening balance
 * as an `adjustment` first, so its entries too sum to its balance.
 */
function numberEntries(tableName: string, d: Deltas, expected: AccountState, nowMs: number): { puts: TransactWriteItem[]; after: AccountState } {
  const createdMs = Math.max(nowMs, expected.lastPostingMs);
  const opening = expected.creditsPosted - expected.debitsPosted;
  const entries = expected.postings === 0 && opening !== 0n
    ? [{ merchantId: merchantOf(d.account), asset: d.asset, netMinor: opening, memo: { type: 'adjustment' as const, source: openingBalanceSource }, transferId: openingBalanceSource }, ...d.entries]
    : d.entries;
  let balance = expected.postings === 0 ? 0n : opening;
  const puts = entries.map((entry, index) => {
    const seq = expected.postings + index + 1;
    balance += entry.netMinor;
    return balanceTransactionPut(tableName, entry, { id: balanceTransactionId(createdMs, seq, entry.asset), seq, balanceAfterMinor: balance, createdMs });
  });
  const after = {
    postings: expected.postings + entries.length,
    creditsPosted: expected.creditsPosted + d.creditsPosted,
    debitsPosted: expected.debitsPosted + d.debitsPosted,
    lastPostingMs: createdMs,
  };
  // Every posted change of a merchant account is one of its entries: their nets are its balance's move.
  if (after.creditsPosted - after.debitsPosted !== balance) throw new Error(`balance transactions of ${d.account} do not sum to its posted change`);
  return { puts, after };
}

function putTransfer(
  tableName: string,
  id: string,
  t: { kind: string; debit: AccountId; credit: AccountId; asset: string; amountMinor: bigint; state: string; pendingId?: string },
  nowIso: string,
): TransactWriteItem {
  return {
    Put: {
      TableName: tableName,
      Item: {
        ...transferKey(id),
        entity: { S: 'transfer' },
        id: { S: id },
        kind: { S: t.kind },
        debitAccountId: { S: t.debit },
        creditAccountId: { S: t.credit },
        asset: { S: t.asset },
        amount: { N: t.amountMinor.toString() },
        state: { S: t.state },
        createdAt: { S: nowIso },
        ...(t.pendingId ? { pendingId: { S: t.pendingId } } : {}),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'NONE',
    },
  };
}

/** A transfer's item: its id is its idempotency key. */
export function transferKey(id: string) {
  return { pk: { S: `TRANSFER#${id}` }, sk: { S: 'TRANSFER' } };
}

/**
 * True when a cancelled transaction was refused by a merchant account's condition (its balance would
 * go below zero, or the account does not exist): insufficient funds, whatever else the transaction held.
 */
export function refusedForFunds(error: unknown, items: readonly TransactWriteItem[]): boolean {
  return items.some((item, index) => isGuardedAccountKey(item.Update?.Key) && conditionFailedAt(error, index));
}

function resolvePending(tableName: string, pendingId: string, state: 'posted' | 'voided', nowIso: string): TransactWriteItem {
  return {
    Update: {
      TableName: tableName,
      Key: transferKey(pendingId),
      UpdateExpression: 'SET #state = :state, resolvedAt = :now',
      ConditionExpression: '#state = :pending',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':state': { S: state }, ':pending': { S: 'pending' }, ':now': { S: nowIso } },
    },
  };
}

function accountUpdate(tableName: string, d: Deltas, posting?: { expected: AccountState; after: AccountState }): TransactWriteItem {
  const values: Record<string, { N: string } | { S: string }> = {
    ':dpend': { N: d.debitsPending.toString() },
    ':dpost': { N: d.debitsPosted.toString() },
    ':cpend': { N: d.creditsPending.toString() },
    ':cpost': { N: d.creditsPosted.toString() },
    ':account': { S: d.account },
    ':asset': { S: d.asset },
  };
  const base =
    'ADD debitsPending :dpend, debitsPosted :dpost, creditsPending :cpend, creditsPosted :cpost';
  if (!isGuarded(d.account)) {
    return {
      Update: {
        TableName: tableName,
        Key: { pk: { S: d.key.pk }, sk: { S: d.key.sk } },
        UpdateExpression: `${base} SET entity = :entity, accountId = :account, asset = :asset`,
        ExpressionAttributeValues: { ...values, ':entity': { S: 'account-shard' } },
      },
    };
  }
  // available = creditsPosted - debitsPosted - debitsPending, kept as a field because a
  // condition expression cannot do arithmetic; it is what "debits must not exceed credits" guards.
  const availableDelta = d.creditsPosted - d.debitsPosted - d.debitsPending;
  const needsFunds = availableDelta < 0n;
  const stated = posting ? postingCondition(posting.expected, posting.after) : undefined;
  return {
    Update: {
      TableName: tableName,
      Key: { pk: { S: d.key.pk }, sk: { S: d.key.sk } },
      UpdateExpression: `${base}, available :avail${stated ? stated.update : ''}`,
      ConditionExpression: ['attribute_exists(pk)', ...(needsFunds ? ['available >= :need'] : []), ...(stated ? [stated.condition] : [])].join(' AND '),
      ExpressionAttributeValues: {
        ':dpend': values[':dpend']!,
        ':dpost': values[':dpost']!,
        ':cpend': values[':cpend']!,
        ':cpost': values[':cpost']!,
        ':avail': { N: availableDelta.toString() },
        ...(needsFunds ? { ':need': { N: (-availableDelta).toString() } } : {}),
        ...stated?.values,
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/**
 * The account's update when it writes balance transactions: conditioned on the state they were
 * numbered from, so `balance_after` is exact (one item holds a merchant's balance in an asset, and
 * every change of its posted totals writes balance transactions and counts them in `postings`).
 * An account with none yet (new, or opened before balance transactions) is matched on its totals.
 */
function postingCondition(expected: AccountState, after: AccountState) {
  const update = `, postings :postingsAdd SET lastPostingMs = :lastMs`;
  const values: Record<string, { N: string }> = {
    ':postingsAdd': { N: String(after.postings - expected.postings) },
    ':lastMs': { N: String(after.lastPostingMs) },
  };
  if (expected.postings > 0) {
    return { update, condition: 'postings = :postings', values: { ...values, ':postings': { N: String(expected.postings) } } };
  }
  return {
    update,
    condition: 'attribute_not_exists(postings) AND creditsPosted = :seenCredits AND debitsPosted = :seenDebits',
    values: { ...values, ':seenCredits': { N: expected.creditsPosted.toString() }, ':seenDebits': { N: expected.debitsPosted.toString() } },
  };
}
