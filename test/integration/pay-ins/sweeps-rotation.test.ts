import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EvmAdapter } from '#lib/chains/evm-adapter.js';
import { KmsSigner } from '#lib/chains/kms-signer.js';
import { ChainRegistry } from '#lib/chains/registry.js';
import { watchChain } from '#lib/money/charges/watch.js';
import type { PayoutDeps } from '#lib/money/payouts/deps.js';
import { beginRotation, completeRotation } from '#lib/money/payouts/hot-wallet.js';
import { planSweep } from '#lib/money/sweeps/plan.js';
import { checkSweep, readSweep, submitSweep } from '#lib/money/sweeps/submit.js';
import { deployDepositFactory, fundAddress } from '../../../scripts/stack/chains.js';
import { chainByName, usdcBalance } from '../../support/chain.js';
import { chainRegistry, clients } from '../../support/deps.js';
import { newHotWalletKey } from '../../support/isolated.js';
import { payerOn, payInWorld } from '../../support/pay-ins.js';
import { waitFor } from '../../support/wait.js';

// A rotation, charges paid on chain, sweeps signed and mined: 58 s of vitest's 60 in a clean-clone run at load 15-17.
describe('sweeps after a hot-wallet rotation', { timeout: 180_000 }, () => {
  it('are still signed by the factory\'s sweeper (the registry\'s key) but pay the wallet payouts use now, not the one being emptied', async () => {
    const { dynamodb, sqs, kms } = clients();
    const [keyId, nextKeyId] = [await newHotWalletKey(), await newHotWalletKey()];
    const [sweeper, nextWallet] = [await new KmsSigner(kms, keyId).getAddress(), await new KmsSigner(kms, nextKeyId).getAddress()];
    const stackChain = chainByName('local-a');
    await fundAddress(stackChain, sweeper, { gasWei: 10n ** 19n, usdcMinor: 0n });
    const factory = await deployDepositFactory(stackChain, sweeper);
    const registry = new ChainRegistry([{ ...chainRegistry().get('local-a')!, hotWalletKeyId: keyId, depositFactory: factory }]);
    const chain = registry.get('local-a')!;
    const world = await payInWorld({ chains: registry, feeBps: 0 });
    const adapter = new EvmAdapter(chain, kms);
    const suffix = randomUUID().slice(0, 8);
    const checkQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `lanepay-test-sweep-check-${suffix}` }))).QueueUrl!;
    const submitQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `lanepay-test-sweep-submit-${suffix}.fifo`, Attributes: { FifoQueue: 'true' } }))).QueueUrl!;
    const payouts: PayoutDeps = {
      dynamodb, sqs, tableName: world.tableName, chains: registry, adapter: () => adapter,
      checkQueueUrl, checkDelaySeconds: 0, stuckAfterMs: 60_000, now: () => new Date(), signal: () => {},
    };
    // The operator rotates the hot wallet (`lanepay chain rotate-wallet`): nothing was in flight, so it completes at once.
    await beginRotation(payouts, chain, nextKeyId);
    expect((await completeRotation(payouts, chain, adapter)).completed).toBe(true);

    const payer = await payerOn(stackChain);
    const charge = await world.open({ chains: ['local-a'], amount: '5000000' });
    await watchChain(world.watch, 'local-a');
    await (await payer.send(charge.addresses[0]!.deposit_address, 5_000_000n)).wait();
    await world.watchUntil('the charge credited', ['local-a'], async () => ((await world.charge(charge.id)).status === 'succeeded' ? true : undefined));

    const sweep = (await planSweep({ dynamodb, sqs, tableName: world.tableName, now: () => new Date(), chainSubmitQueueUrl: submitQueueUrl }, 'local-a', 'USDC'))!;
    expect(await submitSweep(payouts, sweep.id)).toBe('submitted');
    await waitFor('the sweep confirmed', async () => ((await checkSweep(payouts, sweep.id)) === 'succeeded' ? true : undefined), { timeoutMs: 60_000, intervalMs: 500 });

    expect(await readSweep(payouts, sweep.id)).toMatchObject({ status: 'succeeded', wallet: sweeper, to: 'hot_wallet', recipient: nextWallet });
    expect(await usdcBalance('local-a', nextWallet)).toBe(5_000_000n);
    expect(await usdcBalance('local-a', sweeper)).toBe(0n);
  });
});
