import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { expect } from 'vitest';

type Item = Record<string, AttributeValue>;

/**
 * Per merchant account: as many balance transactions as its `postings`, numbered 1..n, whose ids sort
 * as their numbers, each `balance_after` the sum of the nets up to it, and the sum of every `net`
 * the account's balance (credits posted - debits posted).
 *
 * `readWhileWritten`: the table may be written while it is read (other test files run beside this
 * one). `transactions` must then be read after `accounts`, and entries numbered past an account's
 * `postings` as read are movements committed in between, left out. An entry is written in the transaction that moves
 * `postings` to its number and never changes, so entries 1..postings are all there, whatever ran since.
 */
export function expectBalanceTransactionsExact(accounts: Item[], transactions: Item[], { readWhileWritten = false } = {}): void {
  const byAccount = new Map<string, Item[]>();
  for (const t of transactions) {
    const key = `merchant:${t.pk!.S!.slice('BALTXN#'.length)}:${t.asset!.S}`;
    byAccount.set(key, [...(byAccount.get(key) ?? []), t]);
  }
  for (const account of accounts.filter((i) => i.sk?.S === 'ACCOUNT')) {
    const name = account.accountId!.S!;
    const postings = Number(account.postings?.N ?? '0');
    const entries = (byAccount.get(name) ?? []).filter((entry) => !readWhileWritten || Number(entry.seq!.N) <= postings).sort((a, b) => Number(a.seq!.N) - Number(b.seq!.N));
    expect(entries.length, `balance transactions of ${name}`).toBe(postings);
    let balance = 0n;
    entries.forEach((entry, index) => {
      expect(Number(entry.seq!.N), `seq of ${entry.id!.S}`).toBe(index + 1);
      if (index > 0) expect(entry.id!.S! > entries[index - 1]!.id!.S!, `${entry.id!.S} sorts after the one before it`).toBe(true);
      expect(BigInt(entry.amount!.N!) - BigInt(entry.fee!.N!)).toBe(BigInt(entry.net!.N!));
      balance += BigInt(entry.net!.N!);
      expect(BigInt(entry.balanceAfter!.N!), `balance_after of ${entry.id!.S}`).toBe(balance);
    });
    expect(balance, `sum of net of ${name}`).toBe(BigInt(account.creditsPosted!.N!) - BigInt(account.debitsPosted!.N!));
  }
}
