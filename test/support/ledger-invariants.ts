import { expect } from 'vitest';
import { expectBalanceTransactionsExact } from './balance-transactions.js';
import { allAccountItems, allBalanceTransactionItems } from './deps.js';

/**
 * The ledger's invariants over every account in the table: debits equal credits, posted and
 * pending each; every guarded (merchant) account has available = credits - debits - pending >= 0,
 * and balance transactions that tell its whole posted history (expectBalanceTransactionsExact).
 */
export async function expectLedgerBalanced(tableName?: string): Promise<void> {
  const items = await allAccountItems(tableName);
  const sum = (field: string) => items.reduce((total, item) => total + BigInt(item[field]?.N ?? '0'), 0n);
  expect(sum('debitsPosted')).toBe(sum('creditsPosted'));
  expect(sum('debitsPending')).toBe(sum('creditsPending'));
  for (const item of items.filter((i) => i.sk?.S === 'ACCOUNT')) {
    const available = BigInt(item.available!.N!);
    const derived = BigInt(item.creditsPosted!.N!) - BigInt(item.debitsPosted!.N!) - BigInt(item.debitsPending!.N!);
    expect(available, `available of ${item.accountId?.S}`).toBe(derived);
    expect(available >= 0n, `${item.accountId?.S} is overdrawn`).toBe(true);
  }
  // Read after the accounts, while other test files may be writing.
  expectBalanceTransactionsExact(items, await allBalanceTransactionItems(tableName), { readWhileWritten: true });
}
