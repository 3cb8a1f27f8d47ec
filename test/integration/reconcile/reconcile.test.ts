import { GetItemCommand, QueryCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { EvmAdapter } from '#lib/chains/evm-adapter.js';
import { ChainRegistry } from '#lib/chains/registry.js';
import { creditSandboxFunds } from '#lib/ledger/sandbox.js';
import { eventKey, merchantEventsPartition } from '#lib/merchants/events.js';
import { createMerchant, getMerchantProfile } from '#lib/merchants/merchants.js';
import { authorizePayment } from '#lib/money/payments/authorize.js';
import { paymentKey } from '#lib/money/payments/items.js';
import { createPaymentBodySchema } from '#lib/money/payments/schemas.js';
import { nonceKey } from '#lib/money/payouts/items.js';
import { submitPayout, readPayout } from '#lib/money/payouts/submit.js';
import { sweepItem } from '#lib/money/sweeps/items.js';
import { payoutsRequestedSchema } from '#lib/notify/outbox/submit-message.js';
import { reconcile } from '#lib/treasury/reconcile/index.js';
import { clients, merchantDeps, paymentDeps, someAddress } from '../../support/deps.js';
import { isolatedWorld, newHotWalletKey } from '../../support/isolated.js';
import { waitFor } from '../../support/wait.js';
import { capturedPayment, driveUntilFinal, merchantIn, paymentIn } from '../payouts/world.js';
import { bodiesOn, discrepancyEvents, drain, editPayment, editPayoutAttempts, reconcilerIn, setPayoutStatus } from './world.js';

const minute = 60_000;
const run = (deps: Parameters<typeof reconcile>[0], dryRun = false) => reconcile(deps, { olderThanMs: 15 * minute, dryRun });

describe('reconciler: outbox events never relayed', () => {
  it('relays an event the stream relay never published to the relay queues, once', async () => {
    // An isolated table has no stream consumer: its events are exactly "never relayed".
    const world = await isolatedWorld({ fund: false });
    const { deps, advance } = await reconcilerIn(world);
    const merchant = await merchantIn(world, 50_000_000n);
    const payment = await capturedPayment(world, merchant, 'local-a', someAddress(), 1_000_000n);

    expect((await run(deps)).redriven, 'events younger than the age limit are on their way').toEqual([]);
    advance(16 * minute);
    const report = await run(deps);

    const relayed = report.redriven.filter((f) => f.kind === 'event_not_relayed');
    expect(relayed.length).toBeGreaterThan(0);
    const submitted = await bodiesOn(deps.chainSubmitQueueUrl, (bodies) => bodies.length > 0);
    expect(submitted.map((b) => payoutsRequestedSchema.parse(JSON.parse(b)).events.map((e) => [e.type, e.data.object.id]))).toEqual([
      [['payment.processing', payment.id]],
    ]);
    const notified = await bodiesOn(deps.notifyQueueUrl, (bodies) => bodies.length >= relayed.length);
    expect(notified.map((b) => (JSON.parse(b) as { id: string }).id).sort()).toEqual(relayed.map((f) => f.subject).sort());
    expect((await run(deps)).redriven.filter((f) => f.kind === 'event_not_relayed'), 'a relayed event leaves the unrelayed index').toEqual([]);
  });

  it("takes each event the stack's outbox relay publishes out of the unrelayed index", async () => {
    const deps = merchantDeps();
    const created = await createMerchant(deps, { name: 'reconcile-relay' });
    await creditSandboxFunds(deps, { merchantId: created.merchant_id, asset: 'USDC', amountMinor: 10_000_000n, transferId: `trf_${randomUUID()}` });
    const merchant = await getMerchantProfile(deps, created.merchant_id);
    const body = createPaymentBodySchema.parse({ amount: '1000000', asset: 'USDC', chain: 'local-a', destination: someAddress(), capture: 'manual' });
    const result = await authorizePayment(paymentDeps(), { merchant, idempotencyKey: randomUUID(), fingerprint: randomUUID(), body });
    const { Items = [] } = await clients().dynamodb.send(new QueryCommand({
      TableName: deps.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': { S: merchantEventsPartition(created.merchant_id) } },
    }));
    const eventId = Items.find((i) => i.paymentId?.S === result.payment.id)!.gsi1sk!.S!;
    await waitFor('the stack relay to take the event out of the unrelayed index', async () => {
      const item = (await clients().dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: eventKey(eventId), ConsistentRead: true }))).Item;
      return item && item.gsi2pk === undefined ? true : undefined;
    }, { timeoutMs: 60_000, intervalMs: 250 });
  });
});

describe('reconciler: payments stuck in processing', () => {
  it('parks a payment chain-submit never took and enqueues its check, after which the payout completes', async () => {
    const world = await isolatedWorld();
    const { deps, advance } = await reconcilerIn(world);
    const merchant = await merchantIn(world, 50_000_000n);
    const destination = someAddress();
    const payment = await capturedPayment(world, merchant, 'local-a', destination, 2_000_000n);
    advance(16 * minute);

    const report = await run(deps);

    expect(report.redriven.filter((f) => f.subject === payment.id)).toEqual([expect.objectContaining({ kind: 'payout_missing', chain: 'local-a' })]);
    expect(report.raised).toEqual([]);
    expect((await readPayout(world.payouts, payment.id))?.status).toBe('waiting_chain');
    await bodiesOn(world.payouts.checkQueueUrl, (bodies) => bodies.some((b) => b.includes(payment.id)));
    await driveUntilFinal(world, payment.id);
    expect((await paymentIn(world, merchant.id, payment.id)).status).toBe('succeeded');
    const settled = await world.payouts.dynamodb.send(new GetItemCommand({ TableName: world.tableName, Key: paymentKey(payment.id), ConsistentRead: true }));
    expect(settled.Item?.gsi2pk, 'a settled payment leaves the processing index').toBeUndefined();
  });

  it('re-enqueues one check for a payout whose check message was lost, and raises it once when it still does not move', async () => {
    const world = await isolatedWorld();
    const { deps, advance } = await reconcilerIn(world);
    const merchant = await merchantIn(world, 50_000_000n);
    const payment = await capturedPayment(world, merchant, 'local-b', someAddress(), 1_500_000n);
    expect(await submitPayout(world.payouts, payment)).toBe('submitted');
    await drain(world.payouts.checkQueueUrl); // the check message is lost
    advance(16 * minute);

    const first = await run(deps);
    expect(first.redriven.filter((f) => f.subject === payment.id)).toEqual([expect.objectContaining({ kind: 'payout_unchecked' })]);
    expect(await bodiesOn(world.payouts.checkQueueUrl, (bodies) => bodies.length > 0)).toEqual([JSON.stringify({ paymentId: payment.id })]);
    const again = await run(deps);
    expect(again.redriven.concat(again.raised as never[]).filter((f) => f.subject === payment.id), 'one re-drive per period, no more').toEqual([]);

    advance(16 * minute); // nobody ran the check: a period later it needs a human
    const later = await run(deps);
    expect(later.raised.filter((f) => f.subject === payment.id)).toEqual([expect.objectContaining({ kind: 'payout_not_progressing', newly: true })]);
    const repeated = await run(deps);
    expect(repeated.raised.filter((f) => f.subject === payment.id)).toEqual([expect.objectContaining({ kind: 'payout_not_progressing', newly: false })]);
    expect((await discrepancyEvents(world)).filter((e) => e.subject === payment.id)).toEqual([expect.objectContaining({ kind: 'payout_not_progressing', chain: 'local-b' })]);
    expect(await drain(world.payouts.checkQueueUrl), 'raised, not re-driven again').toEqual([]);
  });

  it('raises a payout stuck on its nonce without re-driving it, and a dry run records nothing', async () => {
    const world = await isolatedWorld();
    const { deps, advance } = await reconcilerIn(world);
    const merchant = await merchantIn(world, 50_000_000n);
    const payment = await capturedPayment(world, merchant, 'local-a', someAddress(), 1_000_000n);
    expect(await submitPayout(world.payouts, payment)).toBe('submitted');
    await drain(world.payouts.checkQueueUrl);
    await setPayoutStatus(world, payment.id, 'stuck');
    advance(16 * minute);

    const dry = await run(deps, true);
    expect(dry.raised.filter((f) => f.subject === payment.id)).toEqual([expect.objectContaining({ kind: 'payout_stuck', newly: false })]);
    expect(await discrepancyEvents(world)).toEqual([]);

    const report = await run(deps);
    expect(report.raised.filter((f) => f.subject === payment.id)).toEqual([expect.objectContaining({ kind: 'payout_stuck', newly: true })]);
    expect(report.redriven.filter((f) => f.subject === payment.id)).toEqual([]);
    expect(await drain(world.payouts.checkQueueUrl)).toEqual([]);
    expect((await discrepancyEvents(world)).map((e) => [e.kind, e.subject])).toEqual([['payout_stuck', payment.id]]);
  });
});

describe('reconciler: settled payouts against the chain', () => {
  it('raises each payout the ledger and the chain disagree on, once, and passes an honest one', async () => {
    const world = await isolatedWorld();
    const { deps } = await reconcilerIn(world);
    const merchant = await merchantIn(world, 100_000_000n);
    const paid = [];
    for (const amount of [1_000_000n, 2_000_000n, 3_000_000n, 4_000_000n]) {
      const payment = await capturedPayment(world, merchant, 'local-a', someAddress(), amount);
      expect(await submitPayout(world.payouts, payment)).toBe('submitted');
      await driveUntilFinal(world, payment.id);
      expect((await paymentIn(world, merchant.id, payment.id)).status).toBe('succeeded');
      paid.push(payment.id);
    }
    const [honest, wrongAmount, noReceipt, refundedButPaid] = paid as [string, string, string, string];
    await editPayment(world, wrongAmount, (p) => { p.amount_captured = '2500000'; });
    const neverMined = `0x${randomBytes(32).toString('hex')}`;
    await editPayoutAttempts(world, noReceipt, (attempts) => { for (const a of attempts) a.hash = neverMined; });
    await editPayment(world, noReceipt, (p) => { p.tx_hash = neverMined; });
    await editPayment(world, refundedButPaid, (p) => { p.status = 'failed'; p.failure_code = 'transfer_reverted'; p.tx_hash = null; });

    const report = await run(deps);

    expect(report.checked.settledNonces).toBe(4);
    expect(report.raised.map((f) => [f.subject, f.kind]).sort()).toEqual([
      [wrongAmount, 'amount_mismatch'], [noReceipt, 'paid_without_receipt'], [refundedButPaid, 'failed_but_paid'],
    ].sort());
    expect(report.raised.every((f) => f.newly && f.chain === 'local-a')).toBe(true);
    expect(report.raised.some((f) => f.subject === honest)).toBe(false);
    expect((await discrepancyEvents(world)).map((e) => e.subject).sort()).toEqual([wrongAmount, noReceipt, refundedButPaid].sort());
    expect((await run(deps)).checked.settledNonces, 'the next run starts after the nonces it verified').toBe(0);
  });

  it("walks past a sweep's nonce on the hot wallet it shares with payouts and stops at one still in flight", async () => {
    const world = await isolatedWorld();
    const { deps } = await reconcilerIn(world);
    const merchant = await merchantIn(world, 10_000_000n);
    const payment = await capturedPayment(world, merchant, 'local-a', someAddress(), 1_000_000n);
    expect(await submitPayout(world.payouts, payment)).toBe('submitted');
    await driveUntilFinal(world, payment.id);
    const wallet = await world.adapters.get('local-a')!.hotWalletAddress();
    const payoutNonce = (await readPayout(world.payouts, payment.id))!.nonce!;
    // Sweeps take nonces of the same wallet (lib/money/sweeps/submit.ts): one settled, then one in flight.
    for (const [offset, status] of [[1, 'succeeded'], [2, 'pending']] as const) {
      const sweep = {
        id: `swp_${randomUUID()}`, chain: 'local-a', asset: 'USDC', chargeIds: [], deposits: [], amountMinor: 0n,
        status, wallet, nonce: payoutNonce + offset, attempts: [], version: 1, createdAtMs: Date.now(),
      };
      await world.payouts.dynamodb.send(new TransactWriteItemsCommand({ TransactItems: [
        { Put: { TableName: world.tableName, Item: sweepItem(sweep) } },
        { Put: { TableName: world.tableName, Item: { ...nonceKey('local-a', wallet, sweep.nonce), entity: { S: 'nonce' }, sweepId: { S: sweep.id }, hash: { S: `0x${randomBytes(32).toString('hex')}` } } } },
      ] }));
    }

    const report = await run(deps);

    expect(report.raised).toEqual([]);
    expect(report.checked.settledNonces).toBe(2);
    expect((await run(deps)).checked.settledNonces, 'the sweep in flight holds the cursor').toBe(0);
  });

  it("compares a retired hot wallet's payouts too, once the registry lists it in ownAddresses", async () => {
    const world = await isolatedWorld();
    const { deps } = await reconcilerIn(world);
    const merchant = await merchantIn(world, 50_000_000n);
    const payment = await capturedPayment(world, merchant, 'local-a', someAddress(), 1_000_000n);
    expect(await submitPayout(world.payouts, payment)).toBe('submitted');
    await driveUntilFinal(world, payment.id);
    await editPayment(world, payment.id, (p) => { p.amount_captured = '999999'; });
    const retired = await world.adapters.get('local-a')!.hotWalletAddress();
    const newKey = await newHotWalletKey();
    const rotated = (ownAddresses: string[]) => {
      // From the reconciler's chains: their treasuries are the world's own (reconcilerIn).
      const chains = new ChainRegistry(deps.chains.chains.map((c) => (c.name === 'local-a' ? { ...c, hotWalletKeyId: newKey, ownAddresses } : c)));
      const adapters = new Map(chains.chains.map((c) => [c.name, new EvmAdapter(c, world.kms)]));
      return { ...deps, chains, adapter: (name: string) => adapters.get(name)! };
    };

    // A wallet nobody lists is not walked, and what it holds is missing from the chain's hot wallets.
    expect((await run(rotated([]))).raised.map((f) => [f.subject, f.kind])).toEqual([['hotwallet:local-a:USDC-999000000', 'hot_wallet_mismatch']]);
    const report = await run(rotated([retired]));

    expect(report.raised.map((f) => [f.subject, f.kind])).toEqual([[payment.id, 'amount_mismatch']]);
  });
});
