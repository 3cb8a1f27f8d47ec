import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';
import { Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import { bookTreasuryFunding } from '#lib/treasury/funding/book.js';
import { reconcile } from '#lib/treasury/reconcile/index.js';
import { transferItem, type TreasuryTransfer } from '#lib/treasury/transfers/items.js';
import { fundAddress } from '../../../scripts/stack/chains.js';
import { chainByName } from '../../support/chain.js';
import { clients, usdc } from '../../support/deps.js';
import { isolatedWorld } from '../../support/isolated.js';
import { discrepancyEvents, reconcilerIn } from './world.js';

const run = (deps: Parameters<typeof reconcile>[0]) => reconcile(deps, { olderThanMs: 15 * 60_000, dryRun: false });

/** A world whose local-a treasury is a fresh address of the test's (nothing else pays it), with the reconciler over it. */
async function treasuryWorld() {
  const world = await isolatedWorld({ fund: false });
  const safe = Wallet.createRandom().address;
  const { deps } = await reconcilerIn(world, { 'local-a': safe });
  const book = (txHash: string) => bookTreasuryFunding({ ...deps, adapter: (name) => world.adapters.get(name)! }, { chain: 'local-a', txHash });
  const pay = async (amountMinor: bigint) => (await fundAddress(chainByName('local-a'), safe, { gasWei: 0n, usdcMinor: amountMinor })).usdcTx!;
  return { world, deps, safe, book, pay };
}

const treasuryFindings = (report: Awaited<ReturnType<typeof reconcile>>) => report.raised.filter((f) => f.kind === 'treasury_mismatch');

/**
 * A reconciler run is about 45 emulator calls (sharded index reads, both chains' Safes and hot
 * wallets at a pinned block): 0.3 s on a quiet stack, 4 s beside the 100-payout pipeline, and
 * worse under the whole suite, where a test of four runs and two mints outlasted 60 s in CI.
 */
describe('reconciler: treasury Safes against the ledger', { timeout: 180_000 }, () => {
  it('finds nothing when each Safe holds what treasury:<chain> says', async () => {
    const { deps, book, pay } = await treasuryWorld();
    await book(await pay(usdc(5)));

    const report = await run(deps);

    expect(treasuryFindings(report)).toEqual([]);
    expect(report.checked.treasuries).toBe(2);
    expect(report.skipped).toEqual([]);
  });

  it('raises a transfer into the Safe the ledger never booked, once, and nothing once it is booked', async () => {
    const { world, deps, safe, book, pay } = await treasuryWorld();
    await book(await pay(usdc(5)));
    const unbooked = await pay(usdc(3));

    const first = await run(deps);
    expect(treasuryFindings(first)).toEqual([{
      kind: 'treasury_mismatch', subject: 'treasury:local-a:USDC+3000000', chain: 'local-a', newly: true,
      detail: `USDC: Safe ${safe} holds 8000000, treasury:local-a says 5000000 (+3000000)`,
    }]);
    expect(treasuryFindings(await run(deps)).map((f) => f.newly), 'the same difference is announced once').toEqual([false]);
    expect((await discrepancyEvents(world)).filter((e) => e.kind === 'treasury_mismatch').map((e) => e.subject)).toEqual(['treasury:local-a:USDC+3000000']);

    await book(unbooked);
    expect(treasuryFindings(await run(deps))).toEqual([]);
  });

  it('leaves a chain alone while a treasury transfer from it is executing, and says so', async () => {
    const { world, deps, pay } = await treasuryWorld();
    await pay(usdc(2)); // unbooked: a difference the reconciler would raise
    const at = new Date().toISOString();
    const transfer: TreasuryTransfer = {
      id: `tt_${randomBytes(8).toString('hex')}`, status: 'executing', route: 'safe', asset: 'USDC', amount: '1000000',
      from: { chain: 'local-a', account: 'treasury' }, to: { chain: 'local-a', account: 'hot_wallet', address: Wallet.createRandom().address },
      reason: {}, threshold: 2, signatures: {}, createdAt: at, updatedAt: at,
      safeTx: { safe: Wallet.createRandom().address, chainId: 31337, to: Wallet.createRandom().address, data: '0x', operation: 0, nonce: '0', hash: `0x${'ab'.repeat(32)}` },
    };
    await clients().dynamodb.send(new PutItemCommand({ TableName: world.tableName, Item: transferItem(transfer) }));

    const report = await run(deps);

    expect(treasuryFindings(report)).toEqual([]);
    expect(report.skipped).toEqual([{ chain: 'local-a', account: 'treasury', reason: `treasury transfer ${transfer.id} is executing: its Safe transaction may have mined before the ledger records it` }]);
    expect(report.checked.treasuries).toBe(1);
  });
});
