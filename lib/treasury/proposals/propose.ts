import { Contract } from 'ethers';
import { newTreasuryTransferApproval, type MerchantProfile } from '#merchants';
import type { RebalanceProposal } from '../rebalance/types.js';
import { safeAbi } from '../safe/safe-tx.js';
import { TreasuryProposalOpenError, TransferStepRefusedError } from '../transfers/errors.js';
import { transferTransaction, type TransferExecutorDeps } from '../transfers/executor.js';
import type { TreasuryTransfer } from '../transfers/items.js';
import { proposeTransfer } from '../transfers/steps.js';

export type ProposeOutcome =
  | { proposal: string; outcome: 'proposed'; transfer: string; approval: string }
  /** The same plan was proposed before (its id is the transfer's), or the Safe has a proposal open. */
  | { proposal: string; outcome: 'already_proposed' | 'safe_busy' }
  /** A move out of a hot wallet: the planner asks for it, and this version does not execute it (see docs/treasury.md). */
  | { proposal: string; outcome: 'unsupported_source' };

/**
 * Turns a planner's proposal out of a treasury into a transfer and the approval request that asks
 * its owners, written in one transaction (lib/treasury/transfers/steps.ts proposeTransfer): the
 * SafeTx takes the Safe's next nonce, and the approval names its hash, so what members approve is
 * exactly what their keys sign. Members see the forecast behind it in the request's details.
 */
export async function proposeMove(
  deps: Pick<TransferExecutorDeps, 'dynamodb' | 'tableName' | 'platformMerchantId' | 'now' | 'chain' | 'provider'>,
  platform: Pick<MerchantProfile, 'id' | 'approvals'>,
  proposal: RebalanceProposal,
): Promise<ProposeOutcome> {
  if (proposal.from.account !== 'treasury' || proposal.to.account !== 'hot_wallet') return { proposal: proposal.id, outcome: 'unsupported_source' };
  const source = deps.chain(proposal.from.chain);
  const destination = deps.chain(proposal.to.chain);
  const safeNonce = (await new Contract(source.safe, safeAbi, deps.provider(source.name)).getFunction('nonce')()) as bigint;
  const safeTx = await transferTransaction(deps, { from: source.name, to: destination.name, amountMinor: proposal.amountMinor, safeNonce });
  const now = deps.now();
  const id = `tt_${proposal.id.replace(/^rbp_/, '')}`;
  const reason = {
    kind: proposal.reason.kind,
    proposal: proposal.id,
    forecast_generated_at: proposal.reason.forecastGeneratedAt,
    dry_probability_before: proposal.reason.dryProbabilityBefore.toFixed(4),
    dry_probability_after: proposal.reason.dryProbabilityAfter.toFixed(4),
    top_up: proposal.reason.topUpMinor.toString(),
  };
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
