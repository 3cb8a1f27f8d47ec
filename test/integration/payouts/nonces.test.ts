import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { KmsSigner } from '#lib/chains/kms-signer.js';
import { checkPayout } from '#lib/money/payouts/check.js';
import { submitPayout } from '#lib/money/payouts/submit.js';
import { provider } from '../../support/chain.js';
import { clients, someAddress } from '../../support/deps.js';
import { isolatedWorld } from '../../support/isolated.js';
import { waitFor } from '../../support/wait.js';
import { capturedPayment, merchantIn, paymentIn } from './world.js';

const lowCaps = { type: 'eip1559' as const, maxFeePerGasWei: '1', maxPriorityFeePerGasWei: '1' };

describe('a payout nonce taken by a transaction Lanepay did not record', () => {
  it('marks the payout stuck, raises payout_stuck and payout.stuck, and broadcasts nothing more', async () => {
    // Fee caps of 1 wei: the payout waits in the pool, unmined, while the foreign transaction is sent.
    const world = await isolatedWorld({ chainOverrides: (chain) => ({ ...chain, fees: lowCaps }) });
    const merchant = await merchantIn(world, 20_000_000n);
    const payment = await capturedPayment(world, merchant, 'local-a', someAddress(), 1_000_000n);
    const adapter = world.adapters.get('local-a')!;
    const broadcasts: string[] = [];
    const broadcast = adapter.broadcast.bind(adapter);
    adapter.broadcast = (raw) => (broadcasts.push(raw), broadcast(raw));
    expect(await submitPayout(world.payouts, payment)).toBe('submitted');
    const recorded = await clients().dynamodb.send(new GetItemCommand({ TableName: world.tableName, Key: { pk: { S: `PAYOUT#${payment.id}` }, sk: { S: 'PAYOUT' } } }));
    const nonce = Number(recorded.Item!.nonce!.N);
    const [ours] = JSON.parse(recorded.Item!.attempts!.S!) as Array<{ hash: string }>;

    // The node forgets our transaction and the same key signs something else at that nonce.
    const node = provider('local-a');
    expect(await node.send('hardhat_dropTransaction', [ours!.hash])).toBe(true);
    const key = new KmsSigner(world.kms, world.payouts.chains.get('local-a')!.hotWalletKeyId, node);
    const foreign = await key.sendTransaction({ to: await key.getAddress(), value: 0n, nonce, maxFeePerGas: 100_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n });
    await waitFor('the foreign transaction to be mined', async () => (await node.getTransactionReceipt(foreign.hash)) ?? undefined, { timeoutMs: 30_000 });
    const before = broadcasts.length;

    expect(await checkPayout(world.payouts, payment.id)).toBe('stuck');
    expect(broadcasts.length).toBe(before + 1); // the one re-broadcast that found the nonce used
    expect(await checkPayout(world.payouts, payment.id)).toBe('stuck');
    expect(await submitPayout(world.payouts, payment)).toBe('stuck');

    expect(broadcasts.length).toBe(before + 1);
    const payout = await clients().dynamodb.send(new GetItemCommand({ TableName: world.tableName, Key: { pk: { S: `PAYOUT#${payment.id}` }, sk: { S: 'PAYOUT' } }, ConsistentRead: true }));
    expect(payout.Item).toMatchObject({ status: { S: 'stuck' }, stuckReason: { S: 'nonce_used_by_unrecorded_transaction' } });
    expect((await paymentIn(world, merchant.id, payment.id)).status).toBe('processing');
    expect(world.signals).toContainEqual(expect.objectContaining({ kind: 'payout_stuck', chain: 'local-a', paymentId: payment.id, nonce }));
    const events = await clients().dynamodb.send(new QueryCommand({ TableName: world.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': { S: 'PLATFORM#EVENTS' } } }));
    expect(events.Items?.map((item) => JSON.parse(item.body!.S!).type)).toEqual(['payout.stuck']);
  });

  it('confirms a payout whose own transaction was mined when a re-broadcast finds the nonce used', async () => {
    const world = await isolatedWorld();
    const merchant = await merchantIn(world, 20_000_000n);
    const payment = await capturedPayment(world, merchant, 'local-a', someAddress(), 1_000_000n);
    expect(await submitPayout(world.payouts, payment)).toBe('submitted');
    const recorded = await clients().dynamodb.send(new GetItemCommand({ TableName: world.tableName, Key: { pk: { S: `PAYOUT#${payment.id}` }, sk: { S: 'PAYOUT' } } }));
    const [ours] = JSON.parse(recorded.Item!.attempts!.S!) as Array<{ hash: string }>;
    await waitFor('our transaction to be mined', async () => (await provider('local-a').getTransactionReceipt(ours!.hash)) ?? undefined, { timeoutMs: 30_000 });

    // A redelivered submit re-broadcasts bytes whose nonce is already used, by themselves.
    expect(await submitPayout(world.payouts, payment)).toBe('rebroadcast');

    expect(await waitFor('the payout to succeed', async () => ((await checkPayout(world.payouts, payment.id)) === 'succeeded' ? true : undefined), { timeoutMs: 30_000 })).toBe(true);
  });
});
