import { GetItemCommand, TransactionCanceledException, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { AccountId } from './accounts.js';
import { accountStateFromItem, emptyAccountState, type AccountState } from './balance-transactions.js';

/**
 * The last state of each merchant account this container wrote or was told of, as the audit writer
 * keeps lane heads (lib/audit/heads.ts). Balance transactions are numbered from it without a read:
 * the account's update is conditioned on it, so a stale entry only costs the cancelled transaction
 * that corrects it (DynamoDB returns the account as it is; the items are rebuilt on that and sent
 * again, see `ledgerPostings`).
 */
const known = new Map<string, AccountState>();
/**
 * Accounts this container last found moved under it (another container wrote them since): their
 * state is read (one consistent GetItem, a fraction of a transaction's cost) before the next write
 * instead of trusted, until a read finds the remembered state current again. Several containers
 * paying out of one merchant otherwise sent nearly every transaction twice: once on the stale state,
 * cancelled, and again on the state the cancellation returned.
 */
const contended = new Set<string>();

const cacheKey = (tableName: string, account: AccountId) => `${tableName}\u0000${account}`;

export function knownAccountState(tableName: string, account: AccountId): AccountState {
  return known.get(cacheKey(tableName, account)) ?? emptyAccountState;
}

export function rememberAccountState(tableName: string, account: AccountId, state: AccountState): void {
  const key = cacheKey(tableName, account);
  const current = known.get(key);
  if (!current || current.postings <= state.postings) known.set(key, state);
}

/** What DynamoDB just said the account is: replaces the cached state, even if older. */
export function correctAccountState(tableName: string, account: AccountId, state: AccountState): void {
  known.set(cacheKey(tableName, account), state);
}

/** Forgets every cached state (tests that rewrite tables behind the writers' back). */
export function forgetAccountStates(): void {
  known.clear();
  contended.clear();
}

/** One batch transferItems built: what it needs to be built again, and the states it conditioned on. */
export interface PlannedBatch {
  tableName: string;
  rebuild: () => TransactWriteItem[];
  items: TransactWriteItem[];
  /** Per merchant account with balance transactions: its update's item, the state it expects and the state it leaves. */
  accounts: { account: AccountId; update: TransactWriteItem; expected: AccountState; after: AccountState }[];
}

const batches = new WeakMap<TransactWriteItem, PlannedBatch>();

export function registerBatch(batch: PlannedBatch): void {
  for (const item of batch.items) batches.set(item, batch);
}

function batchesIn(items: readonly TransactWriteItem[]): { batch: PlannedBatch; start: number }[] {
  const found: { batch: PlannedBatch; start: number }[] = [];
  items.forEach((item, index) => {
    const batch = batches.get(item);
    if (batch && batch.items[0] === item) found.push({ batch, start: index });
  });
  return found;
}

/**
 * When a transaction holding ledger batches was cancelled because an account's state moved under
 * them (its update's condition failed and the account DynamoDB returned has another state than the
 * one expected), corrects the cached states and answers the items rebuilt on them, at the same
 * indices. Undefined when no account moved: the refusal is the caller's (insufficient funds, ...).
 */
export async function rebuildPostings(error: unknown, items: TransactWriteItem[]): Promise<TransactWriteItem[] | undefined> {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  const reasons = error.CancellationReasons ?? [];
  let moved = false;
  for (const { batch, start } of batchesIn(items)) {
    for (const planned of batch.accounts) {
      const index = start + batch.items.indexOf(planned.update);
      const reason = reasons[index];
      if (reason?.Code !== 'ConditionalCheckFailed' || !reason.Item) continue;
      const actual = accountStateFromItem(reason.Item);
      if (sameState(actual, planned.expected)) continue;
      correctAccountState(batch.tableName, planned.account, actual);
      contended.add(cacheKey(batch.tableName, planned.account));
      moved = true;
    }
  }
  if (!moved) return undefined;
  const next = [...items];
  for (const { batch, start } of batchesIn(items)) next.splice(start, batch.items.length, ...batch.rebuild());
  return next;
}

/**
 * Before the first send: the accounts this container last found moved (`contended`) are read with a
 * consistent GetItem, and the items rebuilt on what was read when it differs from what was
 * remembered. The transaction's conditions stay what they are (the state read may move again before
 * the write: that costs the cancelled transaction, as before); the read only saves the sure loss.
 */
export async function refreshPostings(deps: { dynamodb: DynamoDBClient }, items: TransactWriteItem[]): Promise<TransactWriteItem[]> {
  let moved = false;
  for (const { batch } of batchesIn(items)) {
    for (const planned of batch.accounts) {
      const key = cacheKey(batch.tableName, planned.account);
      const accountKey = planned.update.Update?.Key;
      if (!contended.has(key) || !accountKey) continue;
      const { Item } = await deps.dynamodb.send(new GetItemCommand({ TableName: batch.tableName, Key: accountKey, ConsistentRead: true }));
      const actual = Item ? accountStateFromItem(Item) : emptyAccountState;
      if (sameState(actual, planned.expected)) {
        contended.delete(key);
        continue;
      }
      correctAccountState(batch.tableName, planned.account, actual);
      moved = true;
    }
  }
  if (!moved) return items;
  const next = [...items];
  for (const { batch, start } of batchesIn(items)) next.splice(start, batch.items.length, ...batch.rebuild());
  return next;
}

/** After the transaction committed: the states its batches left are the accounts' states now. */
export function postingsCommitted(items: readonly TransactWriteItem[]): void {
  for (const { batch } of batchesIn(items)) {
    for (const planned of batch.accounts) rememberAccountState(batch.tableName, planned.account, planned.after);
  }
}

function sameState(a: AccountState, b: AccountState): boolean {
  return a.postings === b.postings && a.creditsPosted === b.creditsPosted && a.debitsPosted === b.debitsPosted && a.lastPostingMs === b.lastPostingMs;
}

/** What writeAudited is given with a change holding ledger transfers (#audit's `ItemsState`). */
export const ledgerPostings = { prepare: refreshPostings, rebuild: rebuildPostings, committed: postingsCommitted };
