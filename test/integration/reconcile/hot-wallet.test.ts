import { PutItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { randomBytes, randomUUID } from 'node:crypto';
import { Interface, Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import { nonceKey } from '#lib/money/payouts/items.js';
import { readPayout, submitPayout } from '#lib/money/payouts/submit.js';
import { sweepItem, type Sweep } from '#lib/money/sweeps/items.js';
import { bookHotWalletFunding } from '#lib/treasury/funding/book.js';
import { reconcile } from '#lib/treasury/reconcile/index.js';
import { transferItem, type TreasuryTransfer } from '#lib/treasury/transfers/items.js';
import { fundAddress, minedReceipt } from '../../../scripts/stack/chains.js';
import { chainByName, provider, usdcBalance } from '../../support/chain.js';
import { clients, someAddress, usdc } from '../../support/deps.js';
import { isolatedWorld } from '../../support/isolated.js';
import { capturedPayment, driveUntilFinal, merchantIn } from '../payouts/world.js';
import { discrepancyEvents, reconcilerIn } from './world.js';

const run = (deps: Parameters<typeof reconcile>[0], dryRun = false) => reconcile(deps, { olderThanMs: 15 * 60_000, dryRun });
const hotWalletFindings = (report: Awaited<ReturnType<typeof reconcile>>) => report.raised.filter((f) => f.kind === 'hot_wallet_mismatch');
const erc20 = new Interface(['function transfer(address to, uint256 amount) returns (bool)']);

/** A world with hot wallets of its own, funded with 1,000 USDC each and booked in its table, and the reconciler over it. */
async function hotWalletWorld() {
  const world = await isolatedWorld();
  const { deps } = await reconcilerIn(world);
  const adapter = world.adapters.get('local-a')!;
  const wallet = await adapter.hotWalletAddress();
  const book = (txHash: string) => bookHotWalletFunding({ ...deps, adapter: (name) => world.adapters.get(name)! }, { chain: 'local-a', txHash });
  const deposit = async (amountMinor: bigint) => (await fundAddress(chainByName('local-a'), wallet, { gasWei: 0n, usdcMinor: amountMinor })).usdcTx!;
  return { world, deps, adapter, wallet, book, deposit };
}

/** Someone holding the hot wallet's key sends USDC out with a transaction of their own, not through Lanepay. */
async function sendOutWithTheKey(world: Awaited<ReturnType<typeof isolatedWorld>>, to: string, amountMinor: bigint): Promise<string> {
  const adapter = world.adapters.get('local-a')!;
  const call = { to: chainByName('local-a').usdcAddress, data: erc20.encodeFunctionData('transfer', [to, amountMinor]) };
  const signed = await adapter.signCall(call, await adapter.pendingNonce(), await adapter.quoteFees(), await adapter.estimateCallGas(call));
  await adapter.broadcast(signed.raw);
  const p = provider('local-a');
  try {
    await minedReceipt(p, signed.hash);
  } finally {
    p.destroy();
  }
  return signed.hash;
}

/**
 * A reconciler run is about 45 emulator calls (sharded index reads, both chains' Safes and hot
 * wallets at a pinned block): 0.3 s on a quiet stack, 4 s beside the 100-payout pipeline, and
 * worse under the whole suite, where a test of four runs and two mints outlasted 60 s in CI.
 */
describe('reconciler: hot wallets against the ledger', { timeout: 180_000 }, () => {
  it('finds nothing when the hot wallets hold what hotwallet:<chain> says, and counts each hot wallet it compared', async () => {
    const { deps } = await hotWalletWorld();

    const report = await run(deps);

    expect(hotWalletFindings(report)).toEqual([]);
    expect(report.checked.hotWallets).toBe(2);
    expect(report.skipped).toEqual([]);
  });

  it('raises nothing for a payout mined but not yet posted by the ledger, nor once it is posted', async () => {
    const { world, deps } = await hotWalletWorld();
    const merchant = await merchantIn(world, 50_000_000n);
    const payment = await capturedPayment(world, merchant, 'local-a', someAddress(), 4_000_000n);
    expect(await submitPayout(world.payouts, payment)).toBe('submitted');
    const hash = (await readPayout(world.payouts, payment.id))!.attempts[0]!.hash;
    const p = provider('local-a');
    await minedReceipt(p, hash).finally(() => p.destroy());
    // Nobody consumes the world's check queue: the payout stays pending, its 4 USDC gone from the wallet, not from hotwallet:local-a.
    expect((await readPayout(world.payouts, payment.id))!.status).toBe('pending');

    const inFlight = await run(deps);
    expect(hotWalletFindings(inFlight)).toEqual([]);
    expect(inFlight.skipped).toEqual([]);

    await driveUntilFinal(world, payment.id);
    expect(hotWalletFindings(await run(deps))).toEqual([]);
  });

  it('raises nothing on a busy hot wallet: runs again and again while a burst of payouts is signed, mined and posted', async () => {
    const { world, deps } = await hotWalletWorld();
    const merchant = await merchantIn(world, 100_000_000n);
    const payments = [];
    for (let i = 0; i < 8; i += 1) payments.push(await capturedPayment(world, merchant, 'local-a', someAddress(), 1_000_000n + BigInt(i)));
    let busy = true;
    const burst = (async () => {
      const driven = [];
      for (const payment of payments) {
        expect(await submitPayout(world.payouts, payment)).toBe('submitted');
        driven.push(driveUntilFinal(world, payment.id));
      }
      await Promise.all(driven);
    })().finally(() => { busy = false; });

    const reports = [];
    while (busy) reports.push(await run(deps));
    await burst;
    reports.push(await run(deps));

    expect(reports.flatMap(hotWalletFindings)).toEqual([]);
    expect(reports.length).toBeGreaterThan(1);
    // Compared, not skipped, at least on the run after the burst (and on most runs during it).
    expect(reports.at(-1)!.checked.hotWallets).toBe(2);
    expect(await usdcBalance('local-a', await world.adapters.get('local-a')!.hotWalletAddress())).toBe(usdc(1000) - 8_000_028n);
  });

  it('reads the chain again when the ledger posts while it is read (a payout counted in flight, then posted, would count twice)', async () => {
    const { world, deps, wallet } = await hotWalletWorld();
    const merchant = await merchantIn(world, 50_000_000n);
    const payment = await capturedPayment(world, merchant, 'local-a', someAddress(), 3_000_000n);
    expect(await submitPayout(world.payouts, payment)).toBe('submitted');
    const p = provider('local-a');
    await minedReceipt(p, (await readPayout(world.payouts, payment.id))!.attempts[0]!.hash).finally(() => p.destroy());
    // The payout completes between the reconciler's walk of what is in flight and its second read of the ledger.
    const adapter = world.adapters.get('local-a')!;
    let heads = 0;
    let completed = false;
    const racing = Object.assign(Object.create(adapter) as typeof adapter, {
      headBlock: async () => { heads += 1; return adapter.headBlock(); },
      tokenBalance: async (holder: string, asset: string, block?: number) => {
        if (!completed && holder.toLowerCase() === wallet.toLowerCase()) {
          completed = true;
          await driveUntilFinal(world, payment.id);
        }
        return adapter.tokenBalance(holder, asset, block);
      },
    });

    const report = await run({ ...deps, adapter: (name) => (name === 'local-a' ? racing : world.adapters.get(name)!) });

    expect(hotWalletFindings(report)).toEqual([]);
    expect(heads, 'a second read of the chain').toBe(2);
    expect((await readPayout(world.payouts, payment.id))!.status).toBe('succeeded');
  });

  it('finds USDC sent out of a hot wallet by someone holding its key, with the exact difference, once', async () => {
    const { world, deps, wallet } = await hotWalletWorld();
    await sendOutWithTheKey(world, Wallet.createRandom().address, usdc(5));

    const first = await run(deps);

    expect(hotWalletFindings(first)).toEqual([{
      kind: 'hot_wallet_mismatch', subject: 'hotwallet:local-a:USDC-5000000', chain: 'local-a', newly: true,
      detail: expect.stringMatching(new RegExp(`^USDC: hot wallets ${wallet.toLowerCase()} hold 995000000 at block \\d+; hotwallet:local-a says 1000000000 \\(-5000000\\)$`)),
    }]);
    expect(hotWalletFindings(await run(deps)).map((f) => f.newly), 'the same difference is announced once').toEqual([false]);
    expect((await discrepancyEvents(world)).filter((e) => e.kind === 'hot_wallet_mismatch').map((e) => e.subject)).toEqual(['hotwallet:local-a:USDC-5000000']);
    expect(await usdcBalance('local-a', wallet)).toBe(usdc(995));
  });

  it('finds a deposit into a hot wallet the ledger never booked, and nothing once it is booked', async () => {
    const { world, deps, book, deposit } = await hotWalletWorld();
    const unbooked = await deposit(usdc(3));

    expect(hotWalletFindings(await run(deps)).map((f) => [f.subject, f.newly])).toEqual([['hotwallet:local-a:USDC+3000000', true]]);
    expect((await book(unbooked)).transfers.map((t) => t.outcome)).toEqual(['booked']);

    expect(hotWalletFindings(await run(deps))).toEqual([]);
    expect((await discrepancyEvents(world)).filter((e) => e.kind === 'hot_wallet_mismatch').map((e) => e.subject)).toEqual(['hotwallet:local-a:USDC+3000000']);
  });

  it('counts a sweep and a treasury transfer into the hot wallet that mined before the ledger posted them, and a dry run records nothing', async () => {
    const { world, deps, wallet, deposit } = await hotWalletWorld();
    // Two payments into the wallet the ledger has not posted: a sweep still pending and a same-chain
    // treasury transfer still executing, each naming the transaction that paid (here, a mint).
    const swept = await deposit(usdc(2));
    const moved = await deposit(usdc(6));
    const sweep: Sweep = {
      id: `swp_${randomUUID()}`, chain: 'local-a', asset: 'USDC', chargeIds: [], deposits: [], amountMinor: usdc(2), status: 'pending', wallet, nonce: 0, to: 'hot_wallet', recipient: wallet,
      attempts: [{ kind: 'payout', hash: swept, raw: '0x', fees: {}, atMs: Date.now() }], version: 2, createdAtMs: Date.now(),
    };
    await world.payouts.dynamodb.send(new TransactWriteItemsCommand({ TransactItems: [
      { Put: { TableName: world.tableName, Item: sweepItem(sweep) } },
      { Put: { TableName: world.tableName, Item: { ...nonceKey('local-a', wallet, 0), entity: { S: 'nonce' }, sweepId: { S: sweep.id }, hash: { S: swept } } } },
    ] }));
    const at = new Date().toISOString();
    const transfer: TreasuryTransfer = {
      id: `tt_${randomBytes(8).toString('hex')}`, status: 'executing', route: 'safe', asset: 'USDC', amount: '6000000',
      from: { chain: 'local-a', account: 'treasury' }, to: { chain: 'local-a', account: 'hot_wallet', address: wallet },
      reason: {}, threshold: 2, signatures: {}, createdAt: at, updatedAt: at, execTxHash: moved,
      safeTx: { safe: Wallet.createRandom().address, chainId: 31337, to: Wallet.createRandom().address, data: '0x', operation: 0, nonce: '0', hash: `0x${'ab'.repeat(32)}` },
    };
    await clients().dynamodb.send(new PutItemCommand({ TableName: world.tableName, Item: transferItem(transfer) }));

    const dry = await run(deps, true);
    expect(hotWalletFindings(dry)).toEqual([]);
    const report = await run(deps);
    expect(hotWalletFindings(report)).toEqual([]);
    expect(report.skipped.filter((s) => s.account === 'hot_wallets')).toEqual([]);
    expect(await discrepancyEvents(world)).toEqual([]);
  });
});
