import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { expect } from 'vitest';
import { readChargeRecord } from '#lib/money/charges/query.js';
import { chargeRefundsPartition, refundFromItem, refundTotalKey } from '#lib/money/refunds/items.js';
import { expectBalanceTransactionsExact } from './balance-transactions.js';
import { allAccountItems, allBalanceTransactionItems, clients } from './deps.js';
import { stack } from './stack.js';

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

/**
 * A charge's refund invariants, once its refunds are at rest: the refund total (`REFUNDTOTAL#`)
 * equals the sum of its refunds that are not failed or canceled, and never exceeds what the charge
 * credited.
 */
export async function expectChargeRefundsHold(chargeId: string): Promise<void> {
  const { dynamodb } = clients();
  const tableName = stack().tableName;
  const total = (await dynamodb.send(new GetItemCommand({ TableName: tableName, Key: refundTotalKey(chargeId), ConsistentRead: true }))).Item;
  const refunds = (await dynamodb.send(new QueryCommand({
    TableName: tableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: chargeRefundsPartition(chargeId) } }, ConsistentRead: true,
  }))).Items ?? [];
  const live = refunds.map(refundFromItem).filter((r) => r.status !== 'failed' && r.status !== 'canceled');
  const refunded = BigInt(total?.refunded?.N ?? '0');
  expect(refunded, `refund total of ${chargeId}`).toBe(live.reduce((sum, r) => sum + BigInt(r.amount), 0n));
  const charge = (await readChargeRecord({ dynamodb, tableName }, chargeId))!.charge;
  expect(refunded <= BigInt(charge.amount_received), `${chargeId} refunded ${refunded} of ${charge.amount_received}`).toBe(true);
}
