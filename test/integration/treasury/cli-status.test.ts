import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { getAddress } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTreasuryTransferApproval } from '#lib/merchants/approvals/request.js';
import { treasuryOwnerBinding } from '#lib/merchants/members/treasury-owners.js';
import { safeTxHash, tokenTransfer } from '#lib/treasury/safe/safe-tx.js';
import type { OwnerSignature, TreasuryTransfer } from '#lib/treasury/transfers/items.js';
import { addOwnerSignature, proposeTransfer, readTransfer, recordFailure, type TransferStepDeps } from '#lib/treasury/transfers/steps.js';
import { usdcBalance } from '../../support/chain.js';
import { cliAgainstTestStack } from '../../support/cli.js';
import { clients, fundedMerchant } from '../../support/deps.js';
import { cliOutput } from '../../support/members.js';
import { stack } from '../../support/stack.js';
import { waitFor } from '../../support/wait.js';

// `lanepay treasury status` against the shared test stack. Owner bindings are stage-wide and only
// cli-owners.test.ts makes them: this file reads whichever are there (none, or that test's) and
// binds none. Its proposal names a Safe of its own in its SafeTx, so it never holds the stack's
// Safes' one open proposal, and it is failed at the end.
let cli: ReturnType<typeof cliAgainstTestStack>;
const lanepay = (...args: string[]) => cli.run(args);
let deps: TransferStepDeps;
const opened: TreasuryTransfer[] = [];

beforeAll(async () => {
  cli = cliAgainstTestStack();
  const platform = await fundedMerchant(0n, (p) => ({ ...p, platform: true, approvals: { treasury: { approvals: 2 }, admin_changes: { approvals: 0 }, expires_after_seconds: 3600 } }));
  deps = { dynamodb: clients().dynamodb, tableName: stack().tableName, platformMerchantId: platform.merchant_id, now: () => new Date() };
});

afterAll(async () => {
  for (const transfer of opened) {
    if ((await readTransfer(deps, transfer.id)).status === 'proposed') await recordFailure(deps, transfer, 'proposed', 'test finished');
  }
  cli?.cleanup();
});

/** A proposal from local-a's treasury to local-b's hot wallet, as the forecast job would make it. */
function proposal(amountMinor: bigint): TreasuryTransfer {
  const [a, b] = [stack().chains.find((c) => c.name === 'local-a')!, stack().chains.find((c) => c.name === 'local-b')!];
  const ownSafe = `0x${randomBytes(20).toString('hex')}`;
  const tx = tokenTransfer(a.usdcAddress, b.hotWallet, amountMinor, 0n);
  const at = new Date().toISOString();
  return {
    id: `tt_${randomBytes(8).toString('hex')}`, status: 'proposed', route: 'cctp', asset: 'USDC', amount: amountMinor.toString(),
    from: { chain: 'local-a', account: 'treasury' }, to: { chain: 'local-b', account: 'hot_wallet', address: b.hotWallet },
    reason: { forecast_generated_at: at, dry_probability: '0.31', shortfall_minor: amountMinor.toString() }, threshold: 2,
    safeTx: { safe: ownSafe, chainId: a.chainId, to: tx.to, data: tx.data, operation: 0, nonce: '0', hash: safeTxHash(a.chainId, ownSafe, tx) },
    signatures: {}, createdAt: at, updatedAt: at,
  };
}

/** The ledger's treasury:<chain> (debits − credits, posted) over its shards. */
async function ledgerTreasury(chain: string): Promise<string> {
  const { Items } = await clients().dynamodb.send(new QueryCommand({
    TableName: stack().tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: `ACCOUNT#platform:treasury:${chain}:USDC` } }, ConsistentRead: true,
  }));
  return (Items ?? []).reduce((sum, item) => sum + BigInt(item.debitsPosted!.N!) - BigInt(item.creditsPosted!.N!), 0n).toString();
}

describe('lanepay treasury status', () => {
  it('shows each chain\'s Safe as the chain and the ledger see it, its owners with the member bound to each key (or none), and its hot wallets against their plans', async () => {
    // The Safe's balance may move under other test files (the executor's transfers): the status is
    // read until it agrees with the chain and the ledger read right after it.
    const { status, expected } = await waitFor('a status that agrees with the chain and the ledger', async () => {
      const run = await lanepay('treasury', 'status', '--json');
      const status = cliOutput(run);
      const expected = await Promise.all(stack().chains.map(async (chain) => ({
        onChain: (await usdcBalance(chain.name, chain.treasury.safe)).toString(), ledger: await ledgerTreasury(chain.name),
      })));
      const agrees = status.chains.every((c: any, i: number) => c.balances[0].on_chain === expected[i]!.onChain && c.balances[0].ledger === expected[i]!.ledger);
      return agrees ? { status, expected } : undefined;
    }, { timeoutMs: 60_000, intervalMs: 500 });

    expect(status.object).toBe('treasury');
    expect(status.chains.map((c: any) => c.chain)).toEqual(stack().chains.map((c) => c.name));
    for (const [i, chain] of stack().chains.entries()) {
      const shown = status.chains[i];
      const members = await Promise.all(chain.treasury.owners.map((owner) => treasuryOwnerBinding(deps, owner.index)));
      expect(shown).toMatchObject({
        object: 'treasury_chain', chain_id: chain.chainId, safe: chain.treasury.safe, threshold: chain.treasury.threshold, chain_threshold: chain.treasury.threshold,
        balances: [{ asset: 'USDC', on_chain: expected[i]!.onChain, ledger: expected[i]!.ledger }], warnings: [], error: null,
      });
      expect(shown.owners).toEqual(chain.treasury.owners.map((owner, k) => ({
        index: owner.index, address: owner.address, on_chain: true,
        member: members[k] ? { id: members[k]!.memberId, email: expect.any(String), status: expect.stringMatching(/^(active|revoked)$/) } : null,
      })));
      expect(shown.hot_wallets).toEqual([expect.objectContaining({ object: 'liquidity', chain: chain.name, asset: 'USDC', wallet: chain.hotWallet, error: null })]);
    }
  });

  it('lists an open proposal with its approval, counts each owner signature, and drops it once it failed', async () => {
    const transfer = proposal(250_000_000n);
    const request = { merchant: { id: deps.platformMerchantId, approvals: { treasury: { approvals: 2 }, admin_changes: { approvals: 0 }, expires_after_seconds: 3600 } }, transferId: transfer.id, safeTxHash: transfer.safeTx!.hash, details: { amount: transfer.amount, asset: 'USDC' }, job: 'forecast-batch', now: new Date() };
    const held = newTreasuryTransferApproval(request);
    await proposeTransfer(deps, transfer, held);
    opened.push(transfer);
    const approval = held.approval;

    // Other files propose on this stack too (each with its own made-up Safe): this test's is found by its id.
    const shown = cliOutput(await lanepay('treasury', 'status', '--json', '--merchant', deps.platformMerchantId)).proposals;
    expect(shown.data.find((p: { id: string }) => p.id === transfer.id)).toEqual({
      object: 'treasury_transfer', id: transfer.id, status: 'proposed', route: 'cctp', asset: 'USDC', amount: '250000000',
      from: { chain: 'local-a', account: 'treasury' }, to: transfer.to, reason: transfer.reason, safe_tx_hash: transfer.safeTx!.hash, move_hash: null,
      signatures: 0, threshold: 2, signed_by: [],
      approval: { id: approval.id, status: 'pending', approvals: 0, approvals_required: 2, expires_at: approval.expires_at },
      created_at: transfer.createdAt, updated_at: transfer.updatedAt,
    });

    const signature: OwnerSignature = { owner: stack().chains[0]!.treasury.owners[1]!.address, memberId: 'mem_01test', signature: `0x${randomBytes(65).toString('hex')}`, signedAt: new Date().toISOString() };
    await addOwnerSignature(deps, transfer.id, 2, signature);
    const table = await lanepay('treasury', 'status', '--merchant', deps.platformMerchantId);
    expect(table.stdout).toContain(`${transfer.id}  proposed  250 USDC  local-a treasury -> local-b hot wallet (cctp)`);
    expect(table.stdout).toContain(`signatures 1/2 (owners 2); approval ${approval.id} pending 0/2`);
    expect(table.stdout).toContain(`reason: forecast_generated_at=${transfer.reason.forecast_generated_at}, dry_probability=0.31, shortfall_minor=250000000`);

    await recordFailure(deps, await readTransfer(deps, transfer.id), 'proposed', 'test: refused');
    const after = cliOutput(await lanepay('treasury', 'status', '--json')).proposals;
    expect(after.data.map((p: any) => p.id)).not.toContain(transfer.id);
  });

  it('reports a chain that does not answer as unavailable, and a registry the Safe disagrees with as warnings, exiting 1', async () => {
    const changed = structuredClone(stack());
    const [a, b] = changed.chains;
    a!.treasury.threshold = 3;
    // The registry keeps addresses checksummed, as it shows them.
    const stranger = getAddress(`0x${'ab'.repeat(20)}`);
    a!.treasury.owners[2] = { ...a!.treasury.owners[2]!, address: stranger };
    // Nothing listens on port 9 (discard) of the loopback: connection refused at once.
    b!.rpcUrl = 'http://127.0.0.1:9';
    fs.writeFileSync(path.join(cli.dir, 'changed.json'), JSON.stringify(changed));

    const run = await cli.run(['treasury', 'status', '--json'], 'changed.json');
    expect(run.code).toBe(1);
    const status = JSON.parse(run.stdout);
    const original = stack().chains[0]!.treasury.owners[2]!.address;
    expect(status.chains[0]).toMatchObject({ threshold: 3, chain_threshold: 2, error: null });
    expect(status.chains[0].warnings).toEqual([
      'local-a\'s Safe asks 2 signatures; the registry says 3',
      `owner 3 (${stranger}) is not an owner of local-a's Safe`,
      `local-a's Safe has an owner the registry does not name: ${original}`,
    ]);
    expect(status.chains[0].owners[2]).toMatchObject({ index: 3, address: stranger, on_chain: false });
    expect(status.chains[1]).toMatchObject({ chain: 'local-b', chain_threshold: null, warnings: [], error: expect.stringMatching(/^the Safe could not be read now: /) });
    expect(status.chains[1].balances).toEqual([{ asset: 'USDC', on_chain: null, ledger: await ledgerTreasury('local-b') }]);
    expect(status.chains[1].owners.map((o: any) => o.on_chain)).toEqual([null, null, null]);

    const table = await cli.run(['treasury', 'status'], 'changed.json');
    expect(table.stdout).toMatch(/ threshold +3 of 3 \(the chain says 2\)\n/);
    expect(table.stdout).toMatch(/unavailable +the Safe could not be read now: /);
  });
});
