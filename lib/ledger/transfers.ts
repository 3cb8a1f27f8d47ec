import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { conditionFailedAt } from '../aws/transaction-conflicts.js';
import { accountItemKey, isGuarded, isGuardedAccountKey, type AccountId } from './accounts.js';

/**
 * Two-phase transfers in TigerBeetle's vocabulary. A batch of transfers becomes DynamoDB
 * transaction items: one Put per transfer (attribute_not_exists: the id is the idempotency key),
 * one conditional Update per pending transfer resolved, and ONE Update per account item touched,
 * with the deltas of every transfer in the batch summed (a transaction may not touch an item twice).
 */
export type TransferIntent =
  | { kind: 'pending'; id: string; debit: AccountId; credit: AccountId; amountMinor: bigint; asset: string }
  | { kind: 'posted'; id: string; debit: AccountId; credit: AccountId; amountMinor: bigint; asset: string; rootId?: string }
  | { kind: 'post_pending'; id: string; pending: PendingTransfer; amountMinor: bigint }
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
}

export function transferItems(tableName: string, transfers: TransferIntent[], nowIso: string): TransactWriteItem[] {
  const deltas = new Map<string, Deltas>();
  const items: TransactWriteItem[] = [];
  const touch = (account: AccountId, asset: string, rootId: string) => {
    const key = accountItemKey(account, rootId);
    const id = `${key.pk}|${key.sk}`;
    let entry = deltas.get(id);
    if (!entry) {
      entry = { key, account, asset, debitsPending: 0n, debitsPosted: 0n, creditsPending: 0n, creditsPosted: 0n };
      deltas.set(id, entry);
    }
    return entry;
  };

  for (const t of transfers) {
    if (t.kind === 'pending' || t.kind === 'posted') {
      if (t.amountMinor <= 0n) throw new RangeError(`transfer ${t.id}: amount must be positive`);
      const rootId = t.kind === 'posted' ? (t.rootId ?? t.id) : t.id;
      const field = t.kind === 'pending' ? 'Pending' : 'Posted';
      touch(t.debit, t.asset, rootId)[`debits${field}`] += t.amountMinor;
      touch(t.credit, t.asset, rootId)[`credits${field}`] += t.amountMinor;
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
  for (const entry of deltas.values()) items.push(accountUpdate(tableName, entry));
  return items;
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

function accountUpdate(tableName: string, d: Deltas): TransactWriteItem {
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
  return {
    Update: {
      TableName: tableName,
      Key: { pk: { S: d.key.pk }, sk: { S: d.key.sk } },
      UpdateExpression: `${base}, available :avail`,
      ConditionExpression: needsFunds ? 'attribute_exists(pk) AND available >= :need' : 'attribute_exists(pk)',
      ExpressionAttributeValues: {
        ':dpend': values[':dpend']!,
        ':dpost': values[':dpost']!,
        ':cpend': values[':cpend']!,
        ':cpost': values[':cpost']!,
        ':avail': { N: availableDelta.toString() },
        ...(needsFunds ? { ':need': { N: (-availableDelta).toString() } } : {}),
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}
