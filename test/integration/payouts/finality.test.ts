import { Contract } from 'ethers';
import { describe, expect, it } from 'vitest';
import { EvmAdapter } from '#lib/chains/evm-adapter.js';
import { listBalanceTransactions } from '#lib/ledger/balance-query.js';
import { checkPayout } from '#lib/money/payouts/check.js';
import { submitPayout } from '#lib/money/payouts/submit.js';
import { DEPLOYER_ADDRESS } from '../../../scripts/stack/chains.js';
import { chainByName, provider } from '../../support/chain.js';
import { someAddress } from '../../support/deps.js';
import { expectLedgerBalanced } from '../../support/ledger-invariants.js';
import { isolatedWorld } from '../../support/isolated.js';
import { waitFor } from '../../support/wait.js';
import { balanceIn, capturedPayment, driveUntilFinal, merchantIn, paymentIn } from './world.js';

const lowCaps = { type: 'eip1559' as const, maxFeePerGasWei: '1', maxPriorityFeePerGasWei: '1' };
const marketCaps = { type: 'eip1559' as const, maxFeePerGasWei: '100000000000', maxPriorityFeePerGasWei: '2000000000' };
// Deep enough that the first look, right after mining, comes blocks before finality (a block a second).
const confirmations = 6;

async function blacklist(address: string): Promise<void> {
  const owner = await provider('local-a').getSigner(DEPLOYER_ADDRESS);
  const token = new Contract(chainByName('local-a').usdcAddress, ['function blacklist(address)'], owner);
  await (await token.getFunction('blacklist')(address)).wait();
}

/** A payout signed while its destination was payable, mined after the token refused it: a revert, in a known block. */
async function revertedPayout() {
  const world = await isolatedWorld({ chainOverrides: (chain) => ({ ...chain, confirmations, fees: lowCaps }) });
  const merchant = await merchantIn(world, 20_000_000n);
  const destination = someAddress();
  const payment = await capturedPayment(world, merchant, 'local-a', destination, 4_000_000n);
  // The wallet's funding counts once it is as deep as the confirmations, like any top-up.
  const funded = await provider('local-a').getBlockNumber();
  await waitFor('the funding to be final', async () => ((await provider('local-a').getBlockNumber()) >= funded + confirmations ? true : undefined), { timeoutMs: 30_000 });
  expect(await submitPayout(world.payouts, payment)).toBe('submitted'); // 1 wei fee: waits in the pool
  await blacklist(destination);
  world.adapters.set('local-a', new EvmAdapter({ ...world.payouts.chains.get('local-a')!, fees: marketCaps }, world.kms));
  world.payouts.stuckAfterMs = 0;
  expect(await checkPayout(world.payouts, payment.id)).toBe('replaced');
  const mined = await waitFor('the replacement to be mined', async () => {
    const attempts = await world.adapters.get('local-a')!.receipt((await paymentPayoutHashes(world, payment.id)).at(-1)!);
    return attempts ?? undefined;
  }, { timeoutMs: 30_000 });
  expect(mined.succeeded).toBe(false);
  return { world, merchant, payment, mined };
}

async function paymentPayoutHashes(world: Awaited<ReturnType<typeof isolatedWorld>>, paymentId: string): Promise<string[]> {
  const { GetItemCommand } = await import('@aws-sdk/client-dynamodb');
  const item = (await world.payouts.dynamodb.send(new GetItemCommand({ TableName: world.tableName, Key: { pk: { S: `PAYOUT#${paymentId}` }, sk: { S: 'PAYOUT' } }, ConsistentRead: true }))).Item!;
  return (JSON.parse(item.attempts!.S!) as Array<{ hash: string }>).map((a) => a.hash);
}

describe('refunds of reverted payouts at finality', () => {
  it('refunds a reverted payout only once its block is as deep as the chain\'s confirmations, and only once', async () => {
    const { world, merchant, payment, mined } = await revertedPayout();
    expect(await checkPayout(world.payouts, payment.id)).toBe('confirming');
    expect((await paymentIn(world, merchant.id, payment.id)).status).toBe('processing');
    expect((await balanceIn(world, merchant.id)).available).toBe('16000000');

    expect((await driveUntilFinal(world, payment.id)).at(-1)).toBe('failed');
    expect(await provider('local-a').getBlockNumber()).toBeGreaterThanOrEqual(mined.blockNumber + confirmations - 1);
    expect(await checkPayout(world.payouts, payment.id)).toBe('final');
    expect(await paymentIn(world, merchant.id, payment.id)).toMatchObject({ status: 'failed', failure_code: 'transfer_reverted' });
    expect((await balanceIn(world, merchant.id)).available).toBe('20000000');
    // The reversal is a balance transaction of its own: the merchant's history ends where it began.
    const entries = (await listBalanceTransactions(world.payments, merchant.id, { limit: 10 })).data;
    expect(entries.map((t) => [t.type, t.source, t.net, t.balance_after])).toEqual([
      ['payment_reversal', payment.id, '4000000', '20000000'],
      ['payment', payment.id, '-4000000', '16000000'],
      ['top_up', entries[2]!.source, '20000000', '20000000'],
    ]);
    await expectLedgerBalanced(world.tableName);
  });

  it('does not refund on a revert receipt whose block is no longer the canonical block at that height', async () => {
    const { world, merchant, payment, mined } = await revertedPayout();
    const adapter = world.adapters.get('local-a')!;
    const receipt = adapter.receipt.bind(adapter);
    // What a node answers after a reorganisation it has not caught up with: a receipt naming a dropped block.
    adapter.receipt = async (hash) => {
      const found = await receipt(hash);
      return found && { ...found, blockHash: `0x${'ab'.repeat(32)}` };
    };
    await waitFor('the revert to be deep enough', async () => ((await provider('local-a').getBlockNumber()) - mined.blockNumber + 1 >= confirmations ? true : undefined), { timeoutMs: 30_000 });

    expect(await checkPayout(world.payouts, payment.id)).toBe('confirming');
    expect((await paymentIn(world, merchant.id, payment.id)).status).toBe('processing');
    expect((await balanceIn(world, merchant.id)).available).toBe('16000000');

    adapter.receipt = receipt;
    expect((await driveUntilFinal(world, payment.id)).at(-1)).toBe('failed');
    expect((await balanceIn(world, merchant.id)).available).toBe('20000000');
  });
});
