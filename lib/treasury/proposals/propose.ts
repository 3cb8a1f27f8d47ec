import { Contract, getAddress } from 'ethers';
import { toChainUnits } from '#ledger';
import { newTreasuryTransferApproval, type MerchantProfile } from '#merchants';
import type { RebalanceProposal } from '../rebalance/types.js';
import { safeAbi } from '../safe/safe-tx.js';
import { TreasuryProposalOpenError, TransferStepRefusedError } from '../transfers/errors.js';
import { transferTransaction, type TransferExecutorDeps } from '../transfers/executor.js';
import type { TreasuryTransfer } from '../transfers/items.js';
import { proposeTransfer } from '../transfers/steps.js';
import { sealedMove } from '../moves/move.js';

export type ProposeOutcome =
  | { proposal: string; outcome: 'proposed'; transfer: string; approval: string }
  /** The same plan was proposed before (its id is the transfer's), or the Safe has a proposal open. */
  | { proposal: string; outcome: 'already_proposed' | 'safe_busy' }
  /** A move out of a hot wallet that has one open already (one at a time per hot wallet). */
  | { proposal: string; outcome: 'hot_wallet_busy' };

/**
 * Turns a planner's proposal into a transfer and the approval request asking for it. Out of a
 * treasury (below); out of a hot wallet, proposeHotWalletMove. Out of a treasury: a transfer and the approval request that asks
 * its owners, written in one transaction (lib/treasury/transfers/steps.ts proposeTransfer): the
 * SafeTx takes the Safe's next nonce, and the approval names its hash, so what members approve is
 * exactly what their keys sign. Members see the forecast behind it in the request's details.
 */
export async function proposeMove(
  deps: Pick<TransferExecutorDeps, 'dynamodb' | 'tableName' | 'platformMerchantId' | 'now' | 'chain' | 'provider' | 'actor'>,
  platform: Pick<MerchantProfile, 'id' | 'approvals'>,
  proposal: RebalanceProposal,
): Promise<ProposeOutcome> {
  if (proposal.from.account === 'hot_wallet') return proposeHotWalletMove(deps, platform, proposal);
  if (proposal.to.account !== 'hot_wallet') throw new Error(`proposal ${proposal.id}: a treasury pays a hot wallet, never another treasury`);
  const source = deps.chain(proposal.from.chain);
  const destination = deps.chain(proposal.to.chain);
  const safeNonce = (await new Contract(source.safe, safeAbi, deps.provider(source.name)).getFunction('nonce')()) as bigint;
  const safeTx = await transferTransaction(deps, { from: source.name, to: destination.name, amountMinor: proposal.amountMinor, safeNonce });
  const now = deps.now();
  const id = transferIdOf(proposal);
  const reason = reasonOf(proposal);
  const transfer: TreasuryTransfer = {
    id, status: 'proposed', route: source.name === destination.name ? 'safe' : 'cctp', asset: proposal.asset, amount: proposal.amountMinor.toString(),
    from: { chain: source.name, account: 'treasury' }, to: { chain: destination.name, account: 'hot_wallet', address: destination.hotWallet },
    reason, threshold: source.threshold, safeTx, signatures: {}, createdAt: now.toISOString(), updatedAt: now.toISOString(),
  };
  const approval = newTreasuryTransferApproval({
    merchant: platform, transferId: id, safeTxHash: safeTx.hash, job: 'forecast-batch', now,
    details: {
      amount: transfer.amount, asset: transfer.asset, route: transfer.route, from_chain: source.name, to_chain: destination.name,
      to_address: destination.hotWallet, safe: safeTx.safe, safe_nonce: safeTx.nonce, ...reason,
    },
  });
  try {
    await proposeTransfer(deps, transfer, approval);
  } catch (error) {
    if (error instanceof TreasuryProposalOpenError) return { proposal: proposal.id, outcome: 'safe_busy' };
    if (error instanceof TransferStepRefusedError) return { proposal: proposal.id, outcome: 'already_proposed' };
    throw error;
  }
  return { proposal: proposal.id, outcome: 'proposed', transfer: id, approval: approval.approval.id };
}

const transferIdOf = (proposal: RebalanceProposal) => `tt_${proposal.id.replace(/^rbp_/, '')}`;

function reasonOf(proposal: RebalanceProposal): Record<string, string> {
  return {
    kind: proposal.reason.kind,
    proposal: proposal.id,
    forecast_generated_at: proposal.reason.forecastGeneratedAt,
    dry_probability_before: proposal.reason.dryProbabilityBefore.toFixed(4),
    dry_probability_after: proposal.reason.dryProbabilityAfter.toFixed(4),
    top_up: proposal.reason.topUpMinor.toString(),
    ...(proposal.reason.sourceDryProbabilityAfter !== undefined ? { source_dry_probability_after: proposal.reason.sourceDryProbabilityAfter.toFixed(4) } : {}),
  };
}

/**
 * A move out of a hot wallet (lib/treasury/moves): above its ceiling to its own chain's treasury Safe
 * (`transfer`), or over-covered to a short hot wallet on another chain (`cctp`: burned from the
 * wallet, minted into the other). No SafeTx and no owner signs: the approval request holds the hash
 * of exactly what the wallet's key will sign (moveHash), the same treasury rule counts the owners'
 * votes, and chain-submit signs it once they approve. One open move per hot wallet.
 */
async function proposeHotWalletMove(
  deps: Pick<TransferExecutorDeps, 'dynamodb' | 'tableName' | 'platformMerchantId' | 'now' | 'chain'>,
  platform: Pick<MerchantProfile, 'id' | 'approvals'>,
  proposal: RebalanceProposal,
): Promise<ProposeOutcome> {
  const source = deps.chain(proposal.from.chain);
  const destination = deps.chain(proposal.to.chain);
  const sameChain = source.name === destination.name;
  if (sameChain !== (proposal.to.account === 'treasury')) throw new Error(`proposal ${proposal.id}: a hot wallet moves to its own chain's treasury or to another chain's hot wallet`);
  const id = transferIdOf(proposal);
  const route = sameChain ? 'transfer' : 'cctp';
  const amount = toChainUnits(proposal.amountMinor, proposal.asset, source.usdcDecimals ?? 6);
  let move;
  if (sameChain) {
    move = sealedMove({ transferId: id, asset: proposal.asset, amountMinor: proposal.amountMinor, route }, { chainId: source.chainId, wallet: getAddress(source.hotWallet), token: getAddress(source.usdc), amount: amount.toString(), recipient: getAddress(source.safe) });
  } else {
    if (!source.cctp || !destination.cctp) throw new Error(`CCTP is not configured on ${source.cctp ? destination.name : source.name}`);
    move = sealedMove({ transferId: id, asset: proposal.asset, amountMinor: proposal.amountMinor, route }, {
      chainId: source.chainId, wallet: getAddress(source.hotWallet), token: getAddress(source.usdc), amount: amount.toString(), recipient: getAddress(destination.hotWallet),
      cctp: { tokenMessenger: getAddress(source.cctp.tokenMessenger), destinationDomain: destination.cctp.domain, mintRecipient: getAddress(destination.hotWallet), destinationCaller: getAddress(destination.relayer) },
    });
  }
  const now = deps.now();
  const reason = reasonOf(proposal);
  const to = sameChain ? { chain: destination.name, account: 'treasury' as const, address: getAddress(destination.safe) } : { chain: destination.name, account: 'hot_wallet' as const, address: getAddress(destination.hotWallet) };
  const transfer: TreasuryTransfer = {
    id, status: 'proposed', route, asset: proposal.asset, amount: proposal.amountMinor.toString(),
    from: { chain: source.name, account: 'hot_wallet', address: move.wallet }, to,
    reason, threshold: source.threshold, move, signatures: {}, createdAt: now.toISOString(), updatedAt: now.toISOString(),
  };
  const approval = newTreasuryTransferApproval({
    merchant: platform, transferId: id, moveHash: move.hash, job: 'forecast-batch', now,
    details: {
      amount: transfer.amount, asset: transfer.asset, route, from_chain: source.name, from_account: 'hot_wallet', from_address: move.wallet, to_chain: destination.name,
      to_account: to.account, to_address: to.address, token: move.token, chain_amount: move.amount,
      ...(move.cctp ? { destination_domain: String(move.cctp.destinationDomain), mint_recipient: move.cctp.mintRecipient, destination_caller: move.cctp.destinationCaller, token_messenger: move.cctp.tokenMessenger } : {}),
      ...reason,
    },
  });
  try {
    await proposeTransfer(deps, transfer, approval);
  } catch (error) {
    if (error instanceof TreasuryProposalOpenError) return { proposal: proposal.id, outcome: 'hot_wallet_busy' };
    if (error instanceof TransferStepRefusedError) return { proposal: proposal.id, outcome: 'already_proposed' };
    throw error;
  }
  return { proposal: proposal.id, outcome: 'proposed', transfer: id, approval: approval.approval.id };
}
