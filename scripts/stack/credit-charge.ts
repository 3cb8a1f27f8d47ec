import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { chargeItem } from '#lib/money/charges/items.js';
import { readChargeRecord } from '#lib/money/charges/query.js';
import type { Charge, Deposit } from '#lib/money/charges/schemas.js';

/**
 * Marks a charge of a local stack paid and final with `receivedMinor` on `chain`, as the watcher
 * leaves one (a credited deposit and the totals), without a transfer on chain: for the contract
 * fuzz run and tests that need a refundable charge without waiting for the chain watcher. The
 * merchant's balance is not credited (its sandbox funding pays the refunds). Local stacks only.
 */
export async function markChargeCredited(deps: { dynamodb: DynamoDBClient; tableName: string }, chargeId: string, receivedMinor: bigint, chain: string): Promise<Charge> {
  const record = await readChargeRecord(deps, chargeId);
  if (!record) throw new Error(`no charge ${chargeId}`);
  const deposit: Deposit = {
    id: `dep_${chargeId.slice(3)}`, chain, tx_hash: `0x${'ab'.repeat(32)}`, log_index: 0, block_number: 1, block_hash: `0x${'cd'.repeat(32)}`,
    amount: receivedMinor.toString(), confirmations: 3, status: 'credited', late: false, created_at: new Date().toISOString(),
  };
  const amount = record.charge.amount === null ? null : BigInt(record.charge.amount);
  const over = amount !== null && receivedMinor > amount;
  const charge: Charge = {
    ...record.charge, status: over ? 'overpaid' : 'succeeded', flags: over ? ['overpaid'] : [], amount_received: receivedMinor.toString(),
    expires_at: record.charge.expires_at, deposits: [deposit], deposit_count: 1,
  };
  await deps.dynamodb.send(new PutItemCommand({ TableName: deps.tableName, Item: chargeItem({ ...record, charge, version: record.version + 1 }) }));
  return charge;
}
