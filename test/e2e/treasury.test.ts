import { randomUUID } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { Contract } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KmsSigner } from '#chains';
import { readMerchantLog } from '#lib/audit/reads.js';
import { EvmAdapter } from '#lib/chains/evm-adapter.js';
import { ChainRegistry, type Chain } from '#lib/chains/registry.js';
import { decideApproval } from '#lib/merchants/approvals/decide.js';
import { readApproval } from '#lib/merchants/approvals/items.js';
import { setPolicyUnderPolicy } from '#lib/merchants/approvals/member-changes.js';
import { addMember, type MemberDeps } from '#lib/merchants/members/members.js';
import { beginRotation, completeRotation } from '#lib/money/payouts/hot-wallet.js';
import { epochHour, syntheticFlows, writeFlowBuckets } from '#lib/treasury/flows/index.js';
import type { FundingDeps } from '#lib/treasury/funding/book.js';
import { readForecasts } from '#lib/treasury/planning/forecast-items.js';
import { safeAbi } from '#lib/treasury/safe/safe-tx.js';
import { readTransfer } from '#lib/treasury/transfers/steps.js';
import { heldChangeAppliers } from '../../functions/commons/approval-deps.js';
import { fundAddress } from '../../scripts/stack/chains.js';
import { bookFundingWhenFinal } from '../../scripts/stack/funding.js';
import { localFunctionEnvironments } from '../../scripts/invoke/environment.js';
import { invokeHandler, judge } from '../../scripts/invoke/invoke.js';
import { createSafe, deploySafeInfrastructure } from '../../scripts/stack/safe.js';
import { Authenticator } from '../support/authenticator.js';
import { chainByName, provider, usdcBalance } from '../support/chain.js';
import { chainRegistry, clients, fundedMerchant, merchantDeps } from '../support/deps.js';
import { isolatedTable, newHotWalletKey } from '../support/isolated.js';
import { accountBalance } from '../support/ledger-balance.js';
import { outboxMapping } from '../support/outbox-mapping.js';
import { platformEventsOf } from '../support/platform-events.js';
import { stack } from '../support/stack.js';

// The treasury loop end to end, through the functions' own bundles (forecast-batch, outbox-relay,
// treasury, reconcile) run in this process as Lambda would run them: a flow history makes local-b's
// hot wallet short, the forecast job proposes a move from local-a's treasury, two owners approve with
// TOTP codes, the Safe on local-a burns through CCTP, the attester signs, receiveMessage mints into
// local-b's hot wallet, the next forecast finds no shortfall, and the reconciler finds the chains and
// the ledger agree. A world of its own (table, Safes, hot wallets, relayer, registry): owner bindings
// are stage-wide, and the stack's Safes and hot wallets are other tests'. Its table's stream and the
// treasury queue are the test's own; test/support/outbox-mapping.ts plays their event source mappings.

const USDC = 1_000_000n;
let tableName: string;
let registry: Chain[];
let environment: (functionName: string) => NodeJS.ProcessEnv;
let mapping: Awaited<ReturnType<typeof outboxMapping>>;
let platformMerchantId: string;
const owners: { id: string; otpauth: string }[] = [];
let hotWallets: Record<'local-a' | 'local-b', string>;
let safes: Record<'local-a' | 'local-b', string>;

let treasuryFundingTx: string;
const hotWalletFundingTxs: Record<string, string> = {};

function fundingDeps(): FundingDeps {
  const chains = new ChainRegistry(registry);
  return { dynamodb: clients().dynamodb, tableName, chains, adapter: (name) => new EvmAdapter(chains.get(name)!, clients().kms), now: () => new Date() };
}

const memberDeps = (): MemberDeps => ({ ...merchantDeps(), tableName, dataKeyId: stack().keys.DataKey!, treasury: { owners: 3, threshold: 2 } });

async function runFunction(name: 'forecast-batch' | 'treasury' | 'reconcile', event: unknown): Promise<unknown> {
  const result = await invokeHandler(name, event, environment(name), 'bundle');
  expect(judge(result)).toEqual({ accepted: true });
  return result;
}

/** What Lambda would do next: the stream's new outbox items to the relay, then the treasury queue's messages to the treasury function. */
async function relayAndDeliver(): Promise<string[]> {
  await mapping.relay();
  return mapping.deliverTreasuryWork();
}

async function safeNonce(chain: 'local-a' | 'local-b'): Promise<bigint> {
  return (await new Contract(safes[chain], safeAbi, provider(chain)).getFunction('nonce')()) as bigint;
}

async function forecastOf(chain: string) {
  return (await readForecasts({ dynamodb: clients().dynamodb, tableName })).find((f) => f.record.chain === chain)!.record;
}

beforeAll(async () => {
  tableName = await isolatedTable({ stream: true });
  const { kms } = clients();
  const relayerKey = await newHotWalletKey();
  const relayer = await new KmsSigner(kms, relayerKey).getAddress();
  const hotWalletKeys = { 'local-a': await newHotWalletKey(), 'local-b': await newHotWalletKey() };
  hotWallets = { 'local-a': await new KmsSigner(kms, hotWalletKeys['local-a']).getAddress(), 'local-b': await new KmsSigner(kms, hotWalletKeys['local-b']).getAddress() };
  const deployed = { 'local-a': { safe: '', multiSend: '' }, 'local-b': { safe: '', multiSend: '' } };
  await Promise.all((['local-a', 'local-b'] as const).map(async (name) => {
    const chain = chainByName(name);
    const infrastructure = await deploySafeInfrastructure(chain);
    const safe = await createSafe(chain, infrastructure, chain.treasury.owners.map((owner) => owner.address), chain.treasury.threshold, BigInt(Date.now()));
    deployed[name] = { safe, multiSend: infrastructure.multiSendCallOnly };
    await fundAddress(chain, relayer, { gasWei: 10n ** 19n, usdcMinor: 0n });
    // local-a: a treasury of 1M and a well covered hot wallet; local-b: an empty treasury and 20k in its hot wallet.
    hotWalletFundingTxs[name] = (await fundAddress(chain, hotWallets[name], { gasWei: 10n ** 19n, usdcMinor: name === 'local-a' ? 1_000_000n * USDC : 20_000n * USDC })).usdcTx!;
    if (name === 'local-a') treasuryFundingTx = (await fundAddress(chain, safe, { gasWei: 0n, usdcMinor: 1_000_000n * USDC })).usdcTx!;
  }));
  safes = { 'local-a': deployed['local-a'].safe, 'local-b': deployed['local-b'].safe };
  registry = chainRegistry().chains.map((chain) => ({
    ...chain,
    hotWalletKeyId: hotWalletKeys[chain.name as 'local-a' | 'local-b'],
    ownAddresses: [hotWallets[chain.name as 'local-a' | 'local-b']],
    treasury: {
      ...chain.treasury!, safe: deployed[chain.name as 'local-a' | 'local-b'].safe, multiSend: deployed[chain.name as 'local-a' | 'local-b'].multiSend, relayerKeyId: relayerKey, relayerAddress: relayer,
      rebalance: {
        hotWalletFloorMinor: String(1_000n * USDC), hotWalletCeilingMinor: String(50_000_000n * USDC), treasuryFloorMinor: String(50_000n * USDC),
        maxPerProposalMinor: String(900_000n * USDC), minimumMoveMinor: String(1_000n * USDC), leadHours: { sameChain: 1, crossChain: 1 },
      },
    },
  }));
  const environments = await localFunctionEnvironments(stack());
  environment = (name) => ({ ...environments.of(name), TABLE_NAME: tableName, CHAIN_REGISTRY: JSON.stringify(registry) });
  mapping = await outboxMapping(tableName, environment);

  platformMerchantId = (await fundedMerchant(0n, (p) => ({ ...p, platform: true }), tableName)).merchant_id;
  // Every funding is booked as `lanepay treasury fund [--into hot-wallet]` books it, so the ledger holds what the chains hold.
  await bookFundingWhenFinal(fundingDeps(), { chain: 'local-a', txHash: treasuryFundingTx, into: 'treasury' });
  for (const name of ['local-a', 'local-b'] as const) await bookFundingWhenFinal(fundingDeps(), { chain: name, txHash: hotWalletFundingTxs[name]!, into: 'hot_wallet' });
  for (const owner of [1, 2]) {
    const member = await addMember(memberDeps(), { merchantId: platformMerchantId, email: `owner-${owner}-${randomUUID().slice(0, 6)}@example.com`, treasuryOwner: owner });
    owners.push({ id: member.id, otpauth: member.otpauth_uri });
  }
  await setPolicyUnderPolicy(memberDeps(), { merchantId: platformMerchantId, policy: { treasury: { approvals: 2 }, admin_changes: { approvals: 0 }, expires_after_seconds: 3600 } });

  // 35 days of history: local-b pays out ~20k USDC an hour (its 20k lasts about an hour), local-a ~10 USDC.
  const endHour = epochHour(new Date());
  for (const [chain, level, ticket, seed] of [['local-a', 10n, 1n, 3], ['local-b', 20_000n, 500n, 4]] as const) {
    await writeFlowBuckets({ dynamodb: clients().dynamodb, tableName }, chain, 'USDC', syntheticFlows({ hours: 35 * 24, endHour, meanHourlyMinor: level * USDC, meanTicketMinor: ticket * USDC, trend: 0, seed }));
  }
}, 240_000);

afterAll(() => {
  delete process.env.TABLE_NAME;
  delete process.env.CHAIN_REGISTRY;
});

describe('the treasury rebalances a short hot wallet across chains', () => {
  let transferId: string;
  let approvalId: string;

  it('proposes a move from local-a\'s treasury to local-b\'s hot wallet after the forecast finds local-b short, as one approval request', async () => {
    const result = (await runFunction('forecast-batch', { action: 'scheduled' })) as { rebalancing: { proposals: { outcome: string; transfer: string; approval: string }[] } };
    expect((await forecastOf('local-b')).plan?.shortfall).toBe(true);
    expect(result.rebalancing.proposals.map((p) => p.outcome)).toEqual(['proposed']);
    ({ transfer: transferId, approval: approvalId } = result.rebalancing.proposals[0]!);

    const transfer = await readTransfer({ dynamodb: clients().dynamodb, tableName }, transferId);
    expect(transfer).toMatchObject({ status: 'proposed', route: 'cctp', from: { chain: 'local-a', account: 'treasury' }, to: { chain: 'local-b', account: 'hot_wallet', address: hotWallets['local-b'] }, approvalId, threshold: 2 });
    expect(transfer.reason).toMatchObject({ kind: 'top_up', forecast_generated_at: (await forecastOf('local-b')).generatedAt });
    const { approval } = await readApproval({ dynamodb: clients().dynamodb, tableName }, platformMerchantId, approvalId);
    expect(approval).toMatchObject({ status: 'pending', action: 'treasury.transfer', approvals_required: 2, details: { amount: transfer.amount, safe_tx_hash: transfer.safeTx!.hash, to_chain: 'local-b' } });
    const audited = (await readMerchantLog({ dynamodb: clients().dynamodb, tableName }, platformMerchantId)).filter((r) => r.body.object.id === transferId);
    expect(audited.map((r) => [r.body.action, r.body.actor])).toEqual([['treasury.transfer_proposed', { type: 'system', id: 'forecast-batch' }]]);
    // The relay hands the treasury function the proposal, which waits for its approvals.
    expect(await relayAndDeliver()).toEqual(['treasury.transfer.proposed']);
    expect((await readTransfer({ dynamodb: clients().dynamodb, tableName }, transferId)).signatures).toEqual({});
  }, 240_000);

  it('moves nothing on the first owner\'s approval: one signature, the Safe\'s nonce unchanged', async () => {
    const nonce = await safeNonce('local-a');
    await decide(0);
    expect(await relayAndDeliver()).toEqual(['treasury.proposal.approved_by']);
    const transfer = await readTransfer({ dynamodb: clients().dynamodb, tableName }, transferId);
    expect(transfer.status).toBe('proposed');
    expect(Object.keys(transfer.signatures)).toEqual(['1']);
    expect(await safeNonce('local-a')).toBe(nonce);
  }, 120_000);

  it('burns on local-a and mints into local-b\'s hot wallet on the second approval, once, and books it treasury → in transit → hot wallet', async () => {
    const nonce = await safeNonce('local-a');
    const [treasuryBefore, hotBefore] = [await usdcBalance('local-a', safes['local-a']), await usdcBalance('local-b', hotWallets['local-b'])];
    await decide(1);
    // The function follows its own steps' events too (executing, burned, minting), which the relay hands back.
    const handed = await relayAndDeliver();
    for (let round = 0; round < 10 && (await readTransfer({ dynamodb: clients().dynamodb, tableName }, transferId)).status !== 'succeeded'; round += 1) {
      handed.push(...await relayAndDeliver());
      await runFunction('treasury', { action: 'drive-open-transfers' });
    }
    handed.push(...await relayAndDeliver());
    // The deciding vote's event is `approved` (not `approved_by` as well); each step's event is handed once.
    expect([...handed].sort()).toEqual(['treasury.proposal.approved', 'treasury.transfer.burned', 'treasury.transfer.executing', 'treasury.transfer.minting']);
    const transfer = await readTransfer({ dynamodb: clients().dynamodb, tableName }, transferId);
    expect(transfer.status).toBe('succeeded');
    const amount = BigInt(transfer.amount);
    expect(await safeNonce('local-a')).toBe(nonce + 1n);
    expect(await usdcBalance('local-a', safes['local-a'])).toBe(treasuryBefore - amount);
    expect(await usdcBalance('local-b', hotWallets['local-b'])).toBe(hotBefore + amount);
    expect(await accountBalance(tableName, 'platform:treasury:local-a:USDC')).toBe(1_000_000n * USDC - amount);
    expect(await accountBalance(tableName, 'platform:in_transit:cctp:USDC')).toBe(0n);
    expect(await accountBalance(tableName, 'platform:hotwallet:local-b:USDC')).toBe(20_000n * USDC + amount);
    expect((await platformEventsOf(tableName, transferId)).map((e) => e.type).filter((t) => t.startsWith('treasury.transfer.'))).toEqual([
      'treasury.transfer.proposed', 'treasury.transfer.signed', 'treasury.transfer.signed', 'treasury.transfer.executing',
      'treasury.transfer.burned', 'treasury.transfer.minting', 'treasury.transfer.succeeded',
    ]);
    // Driven again (the burn's event sent a second time, as SQS may deliver it; the schedule): nothing more moves.
    const burned = (await platformEventsOf(tableName, transferId)).find((e) => e.type === 'treasury.transfer.burned')!;
    await clients().sqs.send(new SendMessageCommand({ QueueUrl: mapping.treasuryQueueUrl, MessageBody: JSON.stringify(burned), MessageAttributes: { eventId: { DataType: 'String', StringValue: burned.id }, eventType: { DataType: 'String', StringValue: burned.type } } }));
    expect(await mapping.deliverTreasuryWork()).toEqual(['treasury.transfer.burned']);
    await runFunction('treasury', { action: 'drive-open-transfers' });
    expect(await usdcBalance('local-b', hotWallets['local-b'])).toBe(hotBefore + amount);
    expect(await safeNonce('local-a')).toBe(nonce + 1n);
  }, 240_000);

  it('finds local-b covered on the next forecast, and proposes nothing more', async () => {
    const result = (await runFunction('forecast-batch', { action: 'scheduled' })) as { rebalancing: { proposals: unknown[] } };
    expect((await forecastOf('local-b')).plan?.shortfall).toBe(false);
    expect(result.rebalancing.proposals).toEqual([]);
  }, 240_000);

  it('leaves the reconciler nothing to raise: each Safe and each hot wallet holds what its account says, and no event waits to be relayed', async () => {
    await relayAndDeliver();
    const report = await runFunction('reconcile', { action: 'scheduled' });
    expect(report).toMatchObject({ raised: 0, errors: 0, redriven: 0, checked: { treasuries: 2, hotWallets: 2, unrelayedEvents: 0 } });
  }, 120_000);

  it('after local-b\'s hot wallet is rotated, proposes nothing while it drains, then tops up the new wallet, not the one being emptied', async () => {
    const chain = registry.find((c) => c.name === 'local-b')!;
    const nextKey = await newHotWalletKey();
    const nextWallet = await new KmsSigner(clients().kms, nextKey).getAddress();
    const deps = { dynamodb: clients().dynamodb, tableName };
    await beginRotation(deps, chain, nextKey);
    const draining = (await runFunction('forecast-batch', { action: 'scheduled' })) as { rebalancing: { proposals: unknown[] } };
    expect(draining.rebalancing.proposals).toEqual([]);

    expect((await completeRotation(deps, chain, new EvmAdapter(chain, clients().kms))).completed).toBe(true);
    const result = (await runFunction('forecast-batch', { action: 'scheduled' })) as { rebalancing: { proposals: { outcome: string; transfer: string }[] } };
    // The new wallet holds nothing against local-b's ~20k an hour: short, and topped up from local-a's treasury.
    expect((await forecastOf('local-b')).plan?.shortfall).toBe(true);
    expect(result.rebalancing.proposals.map((p) => p.outcome)).toEqual(['proposed']);
    const transfer = await readTransfer({ dynamodb: clients().dynamodb, tableName }, result.rebalancing.proposals[0]!.transfer);
    expect(transfer).toMatchObject({ from: { chain: 'local-a', account: 'treasury' }, to: { chain: 'local-b', account: 'hot_wallet', address: nextWallet } });
  }, 240_000);

  async function decide(owner: number) {
    const { dynamodb, kms } = clients();
    const deps = { dynamodb, kms, tableName, appliers: heldChangeAppliers({ dynamodb, tableName, holdExpiryMs: 3600_000 }), now: () => new Date() };
    await decideApproval(deps, {
      merchantId: platformMerchantId, memberId: owners[owner]!.id, approvalId, decision: 'approve', code: await new Authenticator(owners[owner]!.otpauth).nextCode(),
    });
  }
});
