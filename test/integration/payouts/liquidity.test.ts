import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { EvmAdapter } from '#lib/chains/evm-adapter.js';
import { submitPayout } from '#lib/money/payouts/submit.js';
import { fundAddress } from '../../../scripts/stack/chains.js';
import { chainByName, provider, usdcBalance } from '../../support/chain.js';
import { clients, someAddress } from '../../support/deps.js';
import { isolatedWorld } from '../../support/isolated.js';
import { capturedPayment, driveUntilFinal, merchantIn, paymentIn } from './world.js';

const lowCaps = { type: 'eip1559' as const, maxFeePerGasWei: '1', maxPriorityFeePerGasWei: '1' };
const marketCaps = { type: 'eip1559' as const, maxFeePerGasWei: '100000000000', maxPriorityFeePerGasWei: '2000000000' };

describe('hot wallet liquidity net of payouts in flight', () => {
  it('lets a burst larger than the wallet wait on liquidity.low instead of reverting, and completes it after a top-up', async () => {
    // Fee caps of 1 wei keep the first payouts unmined: the wallet's balance does not move while the burst is signed.
    const world = await isolatedWorld({ fund: false, chainOverrides: (chain) => ({ ...chain, fees: lowCaps }) });
    const adapter = world.adapters.get('local-b')!;
    const wallet = await adapter.hotWalletAddress();
    await fundAddress(chainByName('local-b'), wallet, { gasWei: 10n ** 18n, usdcMinor: 5_000_000n });
    const merchant = await merchantIn(world, 50_000_000n);
    const destinations = [someAddress(), someAddress(), someAddress(), someAddress()];
    const payments = [];
    for (const destination of destinations) payments.push(await capturedPayment(world, merchant, 'local-b', destination, 2_000_000n));

    const outcomes = [];
    for (const payment of payments) outcomes.push(await submitPayout(world.payouts, payment));

    expect(outcomes).toEqual(['submitted', 'submitted', 'waiting_liquidity', 'waiting_liquidity']);
    expect(world.signals.filter((s) => s.kind === 'liquidity_low').length).toBeGreaterThanOrEqual(2);
    const walletItem = await clients().dynamodb.send(new GetItemCommand({ TableName: world.tableName, Key: { pk: { S: `WALLET#local-b#${wallet.toLowerCase()}` }, sk: { S: 'WALLET' } }, ConsistentRead: true }));
    expect(walletItem.Item?.['inFlight#USDC']?.N).toBe('4000000');

    // The market fee comes within the caps (stuck payouts are replaced) and the wallet is topped up.
    world.adapters.set('local-b', new EvmAdapter({ ...world.payouts.chains.get('local-b')!, fees: marketCaps }, world.kms));
    world.payouts.stuckAfterMs = 0;
    await fundAddress(chainByName('local-b'), wallet, { gasWei: 0n, usdcMinor: 3_000_000n });
    for (const payment of payments) expect((await driveUntilFinal(world, payment.id, 90_000)).at(-1)).toBe('succeeded');

    for (const destination of destinations) expect(await usdcBalance('local-b', destination)).toBe(2_000_000n);
    expect(await usdcBalance('local-b', wallet)).toBe(0n);
    for (const payment of payments) {
      const done = await paymentIn(world, merchant.id, payment.id);
      expect(done.status).toBe('succeeded');
      expect((await provider('local-b').getTransactionReceipt(done.tx_hash!))?.status).toBe(1);
    }
    const drained = await clients().dynamodb.send(new GetItemCommand({ TableName: world.tableName, Key: { pk: { S: `WALLET#local-b#${wallet.toLowerCase()}` }, sk: { S: 'WALLET' } }, ConsistentRead: true }));
    expect(drained.Item?.['inFlight#USDC']?.N).toBe('0');
    expect(drained.Item?.inFlightGasWei?.N).toBe('0');
  });
});
