import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { randomBytes, randomUUID } from 'node:crypto';
import { KmsSigner } from '#chains';
import { decideApproval } from '#lib/merchants/approvals/decide.js';
import { setPolicyUnderPolicy } from '#lib/merchants/approvals/member-changes.js';
import { getMerchantProfile } from '#lib/merchants/merchants.js';
import { addMember, type MemberDeps } from '#lib/merchants/members/members.js';
import { inFlightAttribute, walletKey } from '#lib/money/payouts/items.js';
import { hotWalletMoveMessageSchema, type HotWalletMoveMessage } from '#lib/treasury/moves/submit.js';
import { hotWalletMoveMessage } from '#lib/treasury/moves/submit.js';
import { driveTransfer, type DriveOutcome, type TreasuryWorkerDeps } from '#lib/treasury/proposals/drive.js';
import { proposeMove } from '#lib/treasury/proposals/propose.js';
import type { RebalanceProposal } from '#lib/treasury/rebalance/types.js';
import { treasuryChainOf, type TreasuryChain } from '#lib/treasury/transfers/executor.js';
import { heldChangeAppliers } from '../../functions/commons/approval-deps.js';
import { fundAddress } from '../../scripts/stack/chains.js';
import { createSafe, deploySafeInfrastructure } from '../../scripts/stack/safe.js';
import { Authenticator } from './authenticator.js';
import { chainByName, provider } from './chain.js';
import { clients, fundedMerchant, merchantDeps } from './deps.js';
import { isolatedWorld, newHotWalletKey } from './isolated.js';
import { stack } from './stack.js';
import { waitFor } from './wait.js';

export type ChainName = 'local-a' | 'local-b';

/**
 * A treasury world of its own for moves out of hot wallets, on the real emulators and chains: an
 * isolated table and hot wallets (isolatedWorld: 1000 USDC each), local-a's treasury a Safe of its
 * own (the stack's owner keys), a relayer of its own on both chains, a platform merchant with two
 * members bound to owner keys 1 and 2 and a treasury rule of 2 approvals. chain-submit is driven by
 * the test (world.payouts), the treasury function's steps too (workerDeps); what the treasury
 * function asks chain-submit is kept in `requested` (the message it would put on the FIFO queue).
 */
export async function hotWalletMoveWorld() {
  const { kms, dynamodb } = clients();
  const relayerKey = await newHotWalletKey();
  const relayerAddress = await new KmsSigner(kms, relayerKey).getAddress();
  const localA = chainByName('local-a');
  const infrastructure = await deploySafeInfrastructure(localA);
  const safe = await createSafe(localA, infrastructure, localA.treasury.owners.map((owner) => owner.address), localA.treasury.threshold, BigInt(`0x${randomBytes(8).toString('hex')}`));
  await Promise.all((['local-a', 'local-b'] as const).map((name) => fundAddress(chainByName(name), relayerAddress, { gasWei: 10n ** 19n, usdcMinor: 0n })));
  const world = await isolatedWorld({
    chainOverrides: (chain) => ({
      ...chain,
      treasury: { ...chain.treasury!, relayerKeyId: relayerKey, relayerAddress, ...(chain.name === 'local-a' ? { safe, multiSend: infrastructure.multiSendCallOnly } : {}) },
    }),
  });
  const { tableName } = world;
  const hotWallets = {
    'local-a': await world.adapters.get('local-a')!.hotWalletAddress(),
    'local-b': await world.adapters.get('local-b')!.hotWalletAddress(),
  };
  const treasuryChains = new Map<string, TreasuryChain>();
  for (const chain of world.payouts.chains.chains.filter((c) => c.treasury)) treasuryChains.set(chain.name, treasuryChainOf(chain, hotWallets[chain.name as ChainName]));

  const platformMerchantId = (await fundedMerchant(0n, (p) => ({ ...p, platform: true }), tableName)).merchant_id;
  const memberDeps = (): MemberDeps => ({ ...merchantDeps(), tableName, dataKeyId: stack().keys.DataKey!, treasury: { owners: 3, threshold: 2 } });
  const owners: { id: string; authenticator: Authenticator }[] = [];
  for (const owner of [1, 2]) {
    const member = await addMember(memberDeps(), { merchantId: platformMerchantId, email: `owner-${owner}-${randomUUID().slice(0, 6)}@example.com`, treasuryOwner: owner });
    owners.push({ id: member.id, authenticator: new Authenticator(member.otpauth_uri) });
  }
  await setPolicyUnderPolicy(memberDeps(), { merchantId: platformMerchantId, policy: { treasury: { approvals: 2 }, admin_changes: { approvals: 0 }, expires_after_seconds: 3600 } });

  const requested: HotWalletMoveMessage[] = [];
  const workerDeps = (): TreasuryWorkerDeps => ({
    dynamodb, kms, tableName, platformMerchantId, now: () => new Date(), fetch, attestationDeadlineMs: 600_000,
    actor: { type: 'system', id: 'treasury' },
    chain: (name) => treasuryChains.get(name)!,
    provider: (name) => provider(name),
    sender: (name) => new KmsSigner(kms, relayerKey, provider(name)),
    ownerKms: () => kms,
    signal: () => undefined,
    requestMove: async (transfer) => {
      // What chain-submit's queue would receive: its body, in the source wallet's message group.
      const message = hotWalletMoveMessage('https://queue.invalid/chain-submit.fifo', transfer, new Date());
      if (message.MessageGroupId !== `hot-wallet:${transfer.from.chain}`) throw new Error(`message group ${message.MessageGroupId}`);
      requested.push(hotWalletMoveMessageSchema.parse(JSON.parse(message.MessageBody)));
    },
  });

  /** A planner's proposal out of a hot wallet: a sweep to its own chain's treasury, or a top-up of another chain's hot wallet. */
  function proposal(kind: 'sweep' | 'top_up', from: ChainName, to: ChainName, amountMinor: bigint): RebalanceProposal {
    return {
      id: `rbp_${randomBytes(10).toString('hex')}`, from: { chain: from, account: 'hot_wallet' }, to: { chain: to, account: kind === 'sweep' ? 'treasury' : 'hot_wallet' },
      amountMinor, asset: 'USDC',
      reason: { kind, forecastGeneratedAt: new Date().toISOString(), dryProbabilityBefore: 0.4, dryProbabilityAfter: 0.01, topUpMinor: kind === 'sweep' ? 0n : amountMinor, sourceDryProbabilityAfter: 0.001 },
    };
  }

  async function propose(kind: 'sweep' | 'top_up', from: ChainName, to: ChainName, amountMinor: bigint) {
    const platform = await getMerchantProfile({ dynamodb, tableName }, platformMerchantId);
    return proposeMove({ ...workerDeps() }, platform, proposal(kind, from, to, amountMinor));
  }

  async function decide(owner: 0 | 1, approvalId: string, decision: 'approve' | 'reject' = 'approve') {
    const deps = { dynamodb, kms, tableName, appliers: heldChangeAppliers({ dynamodb, tableName, holdExpiryMs: 3600_000 }), now: () => new Date() };
    await decideApproval(deps, { merchantId: platformMerchantId, memberId: owners[owner]!.id, approvalId, decision, code: await owners[owner]!.authenticator.nextCode() });
  }

  /** Drives the transfer (the treasury function's step) with fresh deps until it reaches `until`. */
  async function driveUntil(transferId: string, until: DriveOutcome): Promise<void> {
    await waitFor(`transfer ${transferId} ${until}`, async () => ((await driveTransfer(workerDeps(), transferId, Date.now() + 2_000)) === until ? true : undefined), { timeoutMs: 120_000, intervalMs: 500 });
  }

  /** The WALLET item's in-flight sum of USDC (chain units) and its next nonce. */
  async function walletState(chain: ChainName): Promise<{ inFlight: bigint; nextNonce: number | undefined }> {
    const { Item } = await dynamodb.send(new GetItemCommand({ TableName: tableName, Key: walletKey(chain, hotWallets[chain]), ConsistentRead: true }));
    return { inFlight: BigInt(Item?.[inFlightAttribute('USDC')]?.N ?? '0'), nextNonce: Item?.nextNonce?.N ? Number(Item.nextNonce.N) : undefined };
  }

  return { ...world, safe, relayerAddress, hotWallets, platformMerchantId, owners, requested, workerDeps, propose, decide, driveUntil, walletState };
}
