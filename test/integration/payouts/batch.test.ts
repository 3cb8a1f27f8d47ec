import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { checkPayouts } from '../../../lib/payouts/check.js';
import { readPayout, submitPayouts } from '../../../lib/payouts/submit.js';
import type { Payment } from '../../../lib/payments/schemas.js';
import { fundAddress } from '../../../scripts/stack/chains.js';
import { chainByName, provider, usdcBalance } from '../../support/chain.js';
import { clients, someAddress } from '../../support/deps.js';
import { isolatedWorld } from '../../support/isolated.js';
import { waitFor } from '../../support/wait.js';
import { capturedPayment, crashAfterNonceRecord, merchantIn, paymentIn } from './world.js';

type World = Awaited<ReturnType<typeof isolatedWorld>>;
type Counted = DynamoDBClient | SQSClient | KMSClient;

/** Counts the commands each client sends (by command name) until the returned function is called. */
function countCommands(client: Counted): { counts: Map<string, number>; nonceTransactions: number[]; stop: () => void } {
  const counts = new Map<string, number>();
  const nonceTransactions: number[] = [];
  const name = `count-${Math.random()}`;
  (client.middlewareStack as DynamoDBClient['middlewareStack']).add((next, context) => async (args) => {
    counts.set(context.commandName!, (counts.get(context.commandName!) ?? 0) + 1);
    const input = args.input as { TransactItems?: Array<{ Put?: { Item?: Record<string, { S?: string }> } }> };
    const nonces = input.TransactItems?.filter((item) => item.Put?.Item?.entity?.S === 'nonce').length ?? 0;
    if (context.commandName === 'TransactWriteItemsCommand' && nonces > 0) nonceTransactions.push(nonces);
    return next(args);
  }, { step: 'initialize', name });
  return { counts, nonceTransactions, stop: () => client.middlewareStack.remove(name) };
}

async function settleAll(world: World, ids: string[]): Promise<void> {
  await waitFor(`${ids.length} payouts to be final`, async () => {
    const results = await checkPayouts(world.payouts, ids);
    const errors = results.filter((r) => 'error' in r);
    if (errors.length > 0) throw (errors[0] as { error: unknown }).error;
    return results.every((r) => 'outcome' in r && ['succeeded', 'failed', 'final'].includes(r.outcome)) ? true : undefined;
  }, { timeoutMs: 90_000, intervalMs: 500 });
}

async function paymentsOn(world: World, chain: string, count: number, amountMinor: bigint): Promise<{ payments: Payment[]; destinations: string[]; merchantId: string }> {
  const merchant = await merchantIn(world, amountMinor * BigInt(count) * 2n);
  const destinations = Array.from({ length: count }, () => someAddress());
  const payments: Payment[] = [];
  for (const destination of destinations) payments.push(await capturedPayment(world, merchant, chain, destination, amountMinor));
  return { payments, destinations, merchantId: merchant.id };
}

describe('chain-submit takes a queue batch as one unit', () => {
  it('takes thirty contiguous nonces in one transaction (ten messages of three), signs thirty times, sends three check batches, and every payout settles once', async () => {
    const world = await isolatedWorld();
    const { payments, destinations, merchantId } = await paymentsOn(world, 'local-a', 30, 1_000_000n);
    const dynamodb = countCommands(world.payouts.dynamodb);
    const sqs = countCommands(world.payouts.sqs);
    const kms = countCommands(world.kms);

    const results = await submitPayouts(world.payouts, payments);
    for (const counter of [dynamodb, sqs, kms]) counter.stop();

    expect(results.map((r) => ('outcome' in r ? r.outcome : r.error))).toEqual(Array(30).fill('submitted'));
    expect(dynamodb.nonceTransactions).toEqual([30]);
    // 61 items (30 payouts, 30 payments, the hot wallet) in one read, as DynamoDB takes up to 100.
    expect(dynamodb.counts.get('TransactGetItemsCommand')).toBe(1);
    expect(kms.counts.get('SignCommand')).toBe(30);
    expect(sqs.counts.get('SendMessageBatchCommand')).toBe(3);
    expect(sqs.counts.get('SendMessageCommand') ?? 0).toBe(0);
    const payouts = await Promise.all(payments.map((p) => readPayout(world.payouts, p.id)));
    const first = payouts[0]!.nonce!;
    expect(payouts.map((p) => p!.nonce)).toEqual(Array.from({ length: 30 }, (_, i) => first + i));

    await settleAll(world, payments.map((p) => p.id));
    for (const payment of payments) expect((await paymentIn(world, merchantId, payment.id)).status).toBe('succeeded');
    for (const destination of destinations) expect(await usdcBalance('local-a', destination)).toBe(1_000_000n);
    const wallet = await world.adapters.get('local-a')!.hotWalletAddress();
    const walletItem = await clients().dynamodb.send(new GetItemCommand({ TableName: world.tableName, Key: { pk: { S: `WALLET#local-a#${wallet.toLowerCase()}` }, sk: { S: 'WALLET' } }, ConsistentRead: true }));
    expect(walletItem.Item?.['inFlight#USDC']?.N).toBe('0');
    expect(walletItem.Item?.inFlightGasWei?.N).toBe('0');
  }, 180_000);

  it('puts each payout of a batch on chain once when the function dies after the nonce transaction and before broadcasting', async () => {
    const world = await isolatedWorld();
    const { payments, destinations } = await paymentsOn(world, 'local-b', 5, 2_000_000n);
    const wallet = await world.adapters.get('local-b')!.hotWalletAddress();
    const before = await provider('local-b').getTransactionCount(wallet, 'latest');
    const disarm = crashAfterNonceRecord(world.payouts.dynamodb);

    const crashed = await submitPayouts(world.payouts, payments);
    disarm();
    expect(crashed.map((r) => ('error' in r ? String((r.error as Error).message) : r.outcome))).toEqual(Array(5).fill('simulated crash after the nonce record committed'));
    expect(await provider('local-b').getTransactionCount(wallet, 'pending')).toBe(before);

    const redelivered = await submitPayouts(world.payouts, payments);
    expect(redelivered.map((r) => ('outcome' in r ? r.outcome : r.error))).toEqual(Array(5).fill('rebroadcast'));
    await settleAll(world, payments.map((p) => p.id));

    expect(await provider('local-b').getTransactionCount(wallet, 'latest')).toBe(before + 5);
    for (const destination of destinations) expect(await usdcBalance('local-b', destination)).toBe(2_000_000n);
  });

  it('reserves liquidity for the batch as it goes: what the wallet cannot cover net of the earlier payouts waits', async () => {
    // Fee caps of 1 wei keep the payouts unmined: the wallet's balance does not move while the batch is signed.
    const world = await isolatedWorld({ fund: false, chainOverrides: (chain) => ({ ...chain, fees: { type: 'eip1559', maxFeePerGasWei: '1', maxPriorityFeePerGasWei: '1' } }) });
    const wallet = await world.adapters.get('local-b')!.hotWalletAddress();
    await fundAddress(chainByName('local-b'), wallet, { gasWei: 10n ** 18n, usdcMinor: 5_000_000n });
    const { payments } = await paymentsOn(world, 'local-b', 4, 2_000_000n);

    const results = await submitPayouts(world.payouts, payments);

    expect(results.map((r) => ('outcome' in r ? r.outcome : r.error))).toEqual(['submitted', 'submitted', 'waiting_liquidity', 'waiting_liquidity']);
    const walletItem = await clients().dynamodb.send(new GetItemCommand({ TableName: world.tableName, Key: { pk: { S: `WALLET#local-b#${wallet.toLowerCase()}` }, sk: { S: 'WALLET' } }, ConsistentRead: true }));
    expect(walletItem.Item?.['inFlight#USDC']?.N).toBe('4000000');
    expect(world.signals.filter((s) => s.kind === 'liquidity_low').length).toBe(2);
  });
});
