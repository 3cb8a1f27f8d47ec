import fs from 'node:fs';
import path from 'node:path';
import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitPayout } from '#lib/money/payouts/submit.js';
import type { ReconcileReport } from '#lib/treasury/reconcile/index.js';
import { cliAgainstTestStack } from '../support/cli.js';
import { KmsSigner } from '#lib/chains/kms-signer.js';
import { clients, someAddress } from '../support/deps.js';
import { bookWorldFunding, isolatedTable, isolatedWorld, newHotWalletKey } from '../support/isolated.js';
import { stack } from '../support/stack.js';
import { waitFor } from '../support/wait.js';
import { capturedPayment, merchantIn } from './payouts/world.js';
import { discrepancyEvents, relayQueues } from './reconcile/world.js';
import { setPayoutStatus } from './reconcile/world.js';

let cli: ReturnType<typeof cliAgainstTestStack>;

/**
 * A stack file whose table, queues and hot wallets are the test's own, so the CLI sees only what the
 * test made: the stack's hot wallets hold what the stack's table booked, not this one.
 */
async function stackFileFor(name: string, tableName: string, checkQueueUrl: string, hotWallets: Record<string, { keyId: string; address: string }>): Promise<string> {
  const queues = await relayQueues();
  const own = { ...stack().queues };
  const point = (id: string, url: string) => { own[id] = { ...own[id]!, url }; };
  point('ChainCheckQueue', checkQueueUrl);
  point('NotifyQueue', queues.notifyQueueUrl);
  point('ChainSubmitQueue', queues.chainSubmitQueueUrl);
  point('FlowTotalsQueue', queues.flowTotalsQueueUrl);
  point('ReportsQueue', queues.reportsQueueUrl);
  // The table has booked no treasury funding: its treasuries are empty addresses of its own, not the stack's Safes.
  const chains = stack().chains.map((chain) => ({
    ...chain, keyAlias: hotWallets[chain.name]!.keyId, hotWallet: hotWallets[chain.name]!.address,
    treasury: { ...chain.treasury, safe: Wallet.createRandom().address },
  }));
  fs.writeFileSync(path.join(cli.dir, name), JSON.stringify({ ...stack(), tableName, queues: own, chains }));
  return name;
}

describe('lanepay reconcile', () => {
  beforeAll(() => {
    cli = cliAgainstTestStack();
  });

  afterAll(() => cli.cleanup());

  it('reports nothing to do and exits 0 on a table with nothing stuck', async () => {
    const file = await stackFileFor('empty.json', await isolatedTable(), stack().queues.ChainCheckQueue!.url, await emptyHotWallets());
    const run = await cli.run(['reconcile'], file);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Re-driven: 0');
    expect(run.stdout).toContain('Needs a human: 0');
  });

  it('reports what it would re-drive and raise with --dry-run --json, exits 1, and changes nothing', async () => {
    const { world, lost, stuck, file } = await stuckWorld('dry.json');
    const run = await cli.run(['reconcile', '--json', '--dry-run', '--older-than', '1s'], file);
    expect(run.code, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout) as ReconcileReport;
    expect(report.dryRun).toBe(true);
    expect(report.olderThanSeconds).toBe(1);
    expect(report.redriven).toContainEqual(expect.objectContaining({ kind: 'payout_missing', subject: lost }));
    expect(report.raised).toEqual([expect.objectContaining({ kind: 'payout_stuck', subject: stuck, newly: false })]);
    expect(await discrepancyEvents(world)).toEqual([]);
  });

  it('re-drives, raises with a platform event, prints the report and exits 1 when something needs a human', async () => {
    const { world, lost, stuck, file } = await stuckWorld('real.json');
    const run = await cli.run(['reconcile', '--older-than', '1s'], file);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`payout_missing\\s+${lost}\\s+parked and a check enqueued`));
    expect(run.stdout).toMatch(new RegExp(`payout_stuck\\s+${stuck}\\s+payout is stuck on its nonce: .*\\(raised now\\)`));
    expect(run.stdout).toContain('Needs a human: 1');
    expect((await discrepancyEvents(world)).map((e) => [e.kind, e.subject])).toEqual([['payout_stuck', stuck]]);
  });

  it('refuses an --older-than it cannot read', async () => {
    const run = await cli.run(['reconcile', '--older-than', 'soon']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--older-than "soon" must be a whole number and a unit');
  });
});

/** A payment chain-submit never took (lost) and one whose payout is stuck on its nonce, both over 1 s old. */
async function stuckWorld(name: string) {
  const world = await isolatedWorld();
  const merchant = await merchantIn(world, 50_000_000n);
  const lost = await capturedPayment(world, merchant, 'local-a', someAddress(), 1_000_000n);
  const stuck = await capturedPayment(world, merchant, 'local-a', someAddress(), 1_000_000n);
  expect(await submitPayout(world.payouts, stuck)).toBe('submitted');
  await setPayoutStatus(world, stuck.id, 'stuck');
  await bookWorldFunding(world);
  const file = await stackFileFor(name, world.tableName, world.payouts.checkQueueUrl, await worldHotWallets(world));
  await waitFor('both payments to be over a second old', () => (Date.now() - Date.parse(stuck.created_at) > 1_100 ? true : undefined));
  return { world, lost: lost.id, stuck: stuck.id, file };
}

/** The world's own hot wallets: funded, and booked in its table. */
async function worldHotWallets(world: Awaited<ReturnType<typeof isolatedWorld>>) {
  return Object.fromEntries(await Promise.all(world.payouts.chains.chains.map(async (chain) => [chain.name, { keyId: chain.hotWalletKeyId, address: await world.adapters.get(chain.name)!.hotWalletAddress() }] as const)));
}

/** A fresh, empty hot wallet per chain (nothing booked, nothing held). */
async function emptyHotWallets() {
  const { kms } = clients();
  return Object.fromEntries(await Promise.all(stack().chains.map(async (chain) => {
    const keyId = await newHotWalletKey();
    return [chain.name, { keyId, address: await new KmsSigner(kms, keyId).getAddress() }] as const;
  })));
}
