import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { Contract, JsonRpcSigner, Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import { EvmAdapter } from '#lib/chains/evm-adapter.js';
import { KmsSigner } from '#lib/chains/kms-signer.js';
import { ChainRegistry } from '#lib/chains/registry.js';
import { chargeSalt } from '#lib/money/charges/addresses.js';
import { watchChain } from '#lib/money/charges/watch.js';
import type { PayoutDeps } from '#lib/money/payouts/deps.js';
import { walletKey } from '#lib/money/payouts/items.js';
import { sweepGasKey } from '#lib/money/sweeps/items.js';
import { planSweep } from '#lib/money/sweeps/plan.js';
import { checkSweep, readSweep, submitSweep } from '#lib/money/sweeps/submit.js';
import { reconcile, type ReconcileDeps } from '#lib/treasury/reconcile/index.js';
import { DEPLOYER_ADDRESS, deployDepositFactory, fundAddress } from '../../../scripts/stack/chains.js';
import { chainByName, provider, usdcBalance } from '../../support/chain.js';
import { allAccountItems, chainRegistry, clients } from '../../support/deps.js';
import { newHotWalletKey } from '../../support/isolated.js';
import { expectLedgerBalanced } from '../../support/ledger-invariants.js';
import { payerOn, payInWorld } from '../../support/pay-ins.js';
import { waitFor } from '../../support/wait.js';
import { relayQueues } from '../reconcile/world.js';

describe('sweeps', () => {
  it('move credited deposits to the hot wallet in one KMS-signed batch on the payouts nonce sequence, booked deposits → hot wallet with gas recorded', async () => {
    const { dynamodb, sqs, kms } = clients();
    // A hot wallet and factory of the test's own: the stack's chain-submit owns the stack wallets' nonces.
    const keyId = await newHotWalletKey();
    const hotWallet = await new KmsSigner(kms, keyId).getAddress();
    const stackChain = chainByName('local-a');
    await fundAddress(stackChain, hotWallet, { gasWei: 10n ** 19n, usdcMinor: 0n });
    const factory = await deployDepositFactory(stackChain, hotWallet);
    const registry = new ChainRegistry([{ ...chainRegistry().get('local-a')!, hotWalletKeyId: keyId, depositFactory: factory }]);
    const world = await payInWorld({ chains: registry, feeBps: 0 });
    const adapter = new EvmAdapter(registry.get('local-a')!, kms);
    const suffix = randomUUID().slice(0, 8);
    const checkQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `lanepay-test-sweep-check-${suffix}` }))).QueueUrl!;
    const submitQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `lanepay-test-sweep-submit-${suffix}.fifo`, Attributes: { FifoQueue: 'true' } }))).QueueUrl!;
    const payouts: PayoutDeps = {
      dynamodb, sqs, tableName: world.tableName, chains: registry, adapter: () => adapter,
      checkQueueUrl, checkDelaySeconds: 0, stuckAfterMs: 60_000, now: () => new Date(), signal: () => {},
    };

    const payer = await payerOn(stackChain);
    const charges = await Promise.all([1_000_000n, 2_000_000n, 3_000_000n].map((amount) => world.open({ chains: ['local-a'], amount: amount.toString() })));
    await watchChain(world.watch, 'local-a');
    await Promise.all(charges.map(async (c) => (await payer.send(c.addresses[0]!.deposit_address, BigInt(c.amount!))).wait()));
    await world.watchUntil('the charges credited', ['local-a'], async () => {
      const all = await Promise.all(charges.map((c) => world.charge(c.id)));
      return all.every((c) => c.status === 'succeeded') ? true : undefined;
    });

    const sweep = (await planSweep({ dynamodb, sqs, tableName: world.tableName, now: () => new Date(), chainSubmitQueueUrl: submitQueueUrl }, 'local-a', 'USDC'))!;
    expect(sweep.amountMinor).toBe(6_000_000n);
    expect(sweep.chargeIds).toHaveLength(3);
    expect(await planSweep({ dynamodb, sqs, tableName: world.tableName, now: () => new Date(), chainSubmitQueueUrl: submitQueueUrl }, 'local-a', 'USDC')).toBeUndefined();

    expect(await submitSweep(payouts, sweep.id)).toBe('submitted');
    expect(await submitSweep(payouts, sweep.id)).toBe('rebroadcast'); // a redelivery signs nothing new
    await waitFor('the sweep confirmed', async () => ((await checkSweep(payouts, sweep.id)) === 'succeeded' ? true : undefined), { timeoutMs: 60_000, intervalMs: 500 });

    expect(await usdcBalance('local-a', hotWallet)).toBe(6_000_000n);
    for (const c of charges) expect(await usdcBalance('local-a', c.addresses[0]!.deposit_address)).toBe(0n);
    const done = (await readSweep(payouts, sweep.id))!;
    expect(done.status).toBe('succeeded');
    expect(done.gasCostWei! > 0n).toBe(true);
    const gas = (await dynamodb.send(new GetItemCommand({ TableName: world.tableName, Key: sweepGasKey('local-a'), ConsistentRead: true }))).Item!;
    expect(gas.gasWei!.N).toBe(done.gasCostWei!.toString());
    // The sweep took nonce 0 of the wallet item payouts allocate from.
    const walletItem = (await dynamodb.send(new GetItemCommand({ TableName: world.tableName, Key: walletKey('local-a', hotWallet), ConsistentRead: true }))).Item!;
    expect(walletItem.nextNonce!.N).toBe('1');

    const balanceOf = async (account: string) => (await allAccountItems(world.tableName))
      .filter((item) => item.accountId?.S === account)
      .reduce((total, item) => total + BigInt(item.debitsPosted?.N ?? '0') - BigInt(item.creditsPosted?.N ?? '0'), 0n);
    expect(await balanceOf('platform:hotwallet:local-a:USDC')).toBe(6_000_000n);
    expect(await balanceOf('platform:deposits:local-a:USDC')).toBe(0n);
    await expectLedgerBalanced(world.tableName);
  });

  it('on a chain that sweeps to its treasury: only the hot wallet may sweep, the deposits land in the Safe, the ledger posts them to treasury:<chain>, and the reconciler finds nothing', async () => {
    const { dynamodb, sqs, kms } = clients();
    const keyId = await newHotWalletKey();
    const hotWallet = await new KmsSigner(kms, keyId).getAddress();
    const stackChain = chainByName('local-a');
    await fundAddress(stackChain, hotWallet, { gasWei: 10n ** 19n, usdcMinor: 0n });
    const factory = await deployDepositFactory(stackChain, hotWallet);
    // A treasury of the test's own (an empty address), so the comparison sees only this sweep; and hot
    // wallets of its own (the stack's, in ownAddresses, hold what the stack's table booked).
    const safe = Wallet.createRandom().address;
    const base = chainRegistry().get('local-a')!;
    const registry = new ChainRegistry([{ ...base, hotWalletKeyId: keyId, ownAddresses: [], depositFactory: factory, sweepTo: 'treasury', treasury: { ...base.treasury!, safe } }]);
    const world = await payInWorld({ chains: registry, feeBps: 0 });
    const adapter = new EvmAdapter(registry.get('local-a')!, kms);
    const suffix = randomUUID().slice(0, 8);
    const checkQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `lanepay-test-sweep-check-${suffix}` }))).QueueUrl!;
    const submitQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `lanepay-test-sweep-submit-${suffix}.fifo`, Attributes: { FifoQueue: 'true' } }))).QueueUrl!;
    const payouts: PayoutDeps = {
      dynamodb, sqs, tableName: world.tableName, chains: registry, adapter: () => adapter,
      checkQueueUrl, checkDelaySeconds: 0, stuckAfterMs: 60_000, now: () => new Date(), signal: () => {},
    };
    const reconciler: ReconcileDeps = { ...payouts, ...(await relayQueues()) };

    const payer = await payerOn(stackChain);
    const charges = await Promise.all([2_000_000n, 4_000_000n].map((amount) => world.open({ chains: ['local-a'], amount: amount.toString() })));
    await watchChain(world.watch, 'local-a');
    await Promise.all(charges.map(async (c) => (await payer.send(c.addresses[0]!.deposit_address, BigInt(c.amount!))).wait()));
    await world.watchUntil('the charges credited', ['local-a'], async () => {
      const all = await Promise.all(charges.map((c) => world.charge(c.id)));
      return all.every((c) => c.status === 'succeeded') ? true : undefined;
    });

    // Attack: anyone but the hot wallet calling the factory, even naming the treasury, moves nothing.
    const salts = charges.map((c) => chargeSalt(c.id));
    const intruder = new Contract(factory, ['function sweep(address token, bytes32[] salts, address recipient)'], new JsonRpcSigner(provider('local-a'), DEPLOYER_ADDRESS));
    await expect(intruder.getFunction('sweep').send(stackChain.usdcAddress, salts, safe)).rejects.toMatchObject({ code: 'CALL_EXCEPTION' });
    expect(await usdcBalance('local-a', safe)).toBe(0n);

    const sweep = (await planSweep({ dynamodb, sqs, tableName: world.tableName, now: () => new Date(), chainSubmitQueueUrl: submitQueueUrl }, 'local-a', 'USDC'))!;
    expect(sweep.amountMinor).toBe(6_000_000n);
    const inFlight = await reconcile(reconciler, { olderThanMs: 900_000, dryRun: true });
    expect(inFlight.skipped).toEqual([{ chain: 'local-a', account: 'treasury', reason: `sweep ${sweep.id} into this treasury is requested: the ledger posts it at its confirmation depth` }]);

    expect(await submitSweep(payouts, sweep.id)).toBe('submitted');
    await waitFor('the sweep confirmed', async () => ((await checkSweep(payouts, sweep.id)) === 'succeeded' ? true : undefined), { timeoutMs: 60_000, intervalMs: 500 });

    expect(await readSweep(payouts, sweep.id)).toMatchObject({ status: 'succeeded', to: 'treasury', recipient: safe });
    expect(await usdcBalance('local-a', safe)).toBe(6_000_000n);
    expect(await usdcBalance('local-a', hotWallet)).toBe(0n);
    const balanceOf = async (account: string) => (await allAccountItems(world.tableName))
      .filter((item) => item.accountId?.S === account)
      .reduce((total, item) => total + BigInt(item.debitsPosted?.N ?? '0') - BigInt(item.creditsPosted?.N ?? '0'), 0n);
    expect(await balanceOf('platform:treasury:local-a:USDC')).toBe(6_000_000n);
    expect(await balanceOf('platform:hotwallet:local-a:USDC')).toBe(0n);
    expect(await balanceOf('platform:deposits:local-a:USDC')).toBe(0n);
    await expectLedgerBalanced(world.tableName);

    const settled = await reconcile(reconciler, { olderThanMs: 900_000, dryRun: true });
    expect(settled.raised).toEqual([]);
    expect(settled.skipped).toEqual([]);
    expect(settled.checked.treasuries).toBe(1);
    expect(settled.checked.hotWallets).toBe(1);
  });
});
