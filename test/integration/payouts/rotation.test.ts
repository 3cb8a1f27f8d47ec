import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { Transaction } from 'ethers';
import { describe, expect, it } from 'vitest';
import { EvmAdapter } from '#lib/chains/evm-adapter.js';
import { checkPayout } from '#lib/money/payouts/check.js';
import { beginRotation, completeRotation, currentHotWallet } from '#lib/money/payouts/hot-wallet.js';
import { submitPayout } from '#lib/money/payouts/submit.js';
import { fundAddress } from '../../../scripts/stack/chains.js';
import { chainByName, provider, usdcBalance } from '../../support/chain.js';
import { clients, someAddress } from '../../support/deps.js';
import { isolatedWorld, newHotWalletKey } from '../../support/isolated.js';
import { capturedPayment, driveUntilFinal, merchantIn, paymentIn } from './world.js';

const lowCaps = { type: 'eip1559' as const, maxFeePerGasWei: '1', maxPriorityFeePerGasWei: '1' };
const marketCaps = { type: 'eip1559' as const, maxFeePerGasWei: '100000000000', maxPriorityFeePerGasWei: '2000000000' };

type World = Awaited<ReturnType<typeof isolatedWorld>>;

async function payoutRecord(world: World, paymentId: string) {
  const item = (await clients().dynamodb.send(new GetItemCommand({ TableName: world.tableName, Key: { pk: { S: `PAYOUT#${paymentId}` }, sk: { S: 'PAYOUT' } }, ConsistentRead: true }))).Item!;
  return { status: item.status!.S!, wallet: item.wallet!.S!, keyId: item.keyId?.S, attempts: JSON.parse(item.attempts!.S!) as Array<{ hash: string; raw: string }> };
}

/** A second funded KMS key on a chain, and its adapter. */
async function fundedKey(world: World, chain: string) {
  const keyId = await newHotWalletKey();
  const adapter = new EvmAdapter({ ...world.payouts.chains.get(chain)!, hotWalletKeyId: keyId, fees: marketCaps }, world.kms);
  await fundAddress(chainByName(chain), await adapter.hotWalletAddress(), { gasWei: 10n ** 19n, usdcMinor: 1_000_000_000n });
  return { keyId, adapter, address: await adapter.hotWalletAddress() };
}

describe('hot wallet keys', () => {
  it('signs a fee-bump replacement with the key that owns the nonce after the registry names a new key', async () => {
    const world = await isolatedWorld({ chainOverrides: (chain) => ({ ...chain, fees: lowCaps }) });
    const merchant = await merchantIn(world, 20_000_000n);
    const destination = someAddress();
    const payment = await capturedPayment(world, merchant, 'local-a', destination, 1_500_000n);
    const oldAddress = await world.adapters.get('local-a')!.hotWalletAddress();
    expect(await submitPayout(world.payouts, payment)).toBe('submitted'); // 1 wei fee: waits in the pool

    // A redeploy names a new, funded key for the chain while the payout is pending.
    const next = await fundedKey(world, 'local-a');
    world.adapters.set('local-a', next.adapter);
    world.payouts.stuckAfterMs = 0;
    expect(await checkPayout(world.payouts, payment.id)).toBe('replaced');
    expect((await driveUntilFinal(world, payment.id)).at(-1)).toBe('succeeded');

    const record = await payoutRecord(world, payment.id);
    expect(record.wallet).toBe(oldAddress);
    for (const attempt of record.attempts) expect(Transaction.from(attempt.raw).from).toBe(oldAddress);
    expect(await provider('local-a').getTransactionCount(next.address, 'pending')).toBe(0);
    expect(await usdcBalance('local-a', destination)).toBe(1_500_000n);
  });

  it('rotates a hot wallet with payouts in flight: new payouts wait until the old wallet drains, then the new key pays them', async () => {
    const world = await isolatedWorld({ chainOverrides: (chain) => ({ ...chain, fees: lowCaps }) });
    const chain = world.payouts.chains.get('local-a')!;
    const merchant = await merchantIn(world, 20_000_000n);
    const [first, second] = [someAddress(), someAddress()];
    const inFlight = await capturedPayment(world, merchant, 'local-a', first, 1_000_000n);
    const oldAdapter = world.adapters.get('local-a')!;
    const oldAddress = await oldAdapter.hotWalletAddress();
    expect(await submitPayout(world.payouts, inFlight)).toBe('submitted'); // unmined: 1 wei fee
    const next = await fundedKey(world, 'local-a');

    await beginRotation(world.payouts, chain, next.keyId);
    const arriving = await capturedPayment(world, merchant, 'local-a', second, 2_000_000n);
    expect(await submitPayout(world.payouts, arriving)).toBe('waiting_wallet');
    expect(await checkPayout(world.payouts, arriving.id)).toBe('waiting');
    expect(await completeRotation(world.payouts, chain, oldAdapter)).toMatchObject({ completed: false, drain: { allocatedNonces: 1, minedAtDepth: 0 } });
    expect((await currentHotWallet(world.payouts, chain)).keyId).toBe(chain.hotWalletKeyId);

    // The fee market comes within the caps: the old wallet's payout is replaced (old key) and mined.
    world.adapters.set('local-a', new EvmAdapter({ ...chain, fees: marketCaps }, world.kms));
    world.payouts.stuckAfterMs = 0;
    expect((await driveUntilFinal(world, inFlight.id)).at(-1)).toBe('succeeded');
    expect(await completeRotation(world.payouts, chain, oldAdapter)).toMatchObject({ completed: true });
    expect(await currentHotWallet(world.payouts, chain)).toMatchObject({ keyId: next.keyId, state: 'active', retiredKeyIds: [chain.hotWalletKeyId] });

    expect((await driveUntilFinal(world, arriving.id)).at(-1)).toBe('succeeded');
    expect(await payoutRecord(world, inFlight.id)).toMatchObject({ wallet: oldAddress, keyId: chain.hotWalletKeyId });
    expect(await payoutRecord(world, arriving.id)).toMatchObject({ wallet: next.address, keyId: next.keyId });
    expect(await provider('local-a').getTransactionCount(oldAddress, 'pending')).toBe(1);
    expect(await provider('local-a').getTransactionCount(next.address, 'pending')).toBe(1);
    expect(await usdcBalance('local-a', first)).toBe(1_000_000n);
    expect(await usdcBalance('local-a', second)).toBe(2_000_000n);
    expect((await paymentIn(world, merchant.id, arriving.id)).status).toBe('succeeded');
  });

  it('refuses to rotate to the current key and to start a second rotation while one drains', async () => {
    const world = await isolatedWorld({ fund: false });
    const chain = world.payouts.chains.get('local-b')!;
    await expect(beginRotation(world.payouts, chain, chain.hotWalletKeyId)).rejects.toThrow(/is or was the hot wallet/);
    await beginRotation(world.payouts, chain, 'alias/next-one');
    await expect(beginRotation(world.payouts, chain, 'alias/next-one')).resolves.toMatchObject({ state: 'draining' });
    await expect(beginRotation(world.payouts, chain, 'alias/another')).rejects.toThrow(/under way/);
  });
});
