import type { AppliedOutcome, ApprovalRecord, Outcome } from '#merchants';
import { platformEventItem, type PlatformEventType } from '#money';

const eventOf: Record<Outcome | 'voted', PlatformEventType> = {
  voted: 'treasury.proposal.approved_by',
  approved: 'treasury.proposal.approved',
  rejected: 'treasury.proposal.rejected',
  expired: 'treasury.proposal.expired',
};

/**
 * What a decision on a treasury transfer's approval writes in the decision's own transaction
 * (#merchants HeldChangeAppliers.treasuryTransfer): the platform event the treasury function acts on
 * (an owner's approval is signed, an approved transfer executed, a refused or expired one failed).
 * The function reads the approval and its votes again; the event only says where to look.
 */
export function treasuryDecisionOutcome(tableName: string, record: ApprovalRecord, outcome: Outcome | 'voted', memberId: string | undefined, now: Date): AppliedOutcome {
  const { change } = record;
  if (change.kind !== 'treasury.transfer') throw new Error(`approval ${record.approval.id} holds a ${change.kind}, not a treasury transfer`);
  const object = { approval: record.approval.id, transfer: change.transferId, ...('safeTxHash' in change ? { safe_tx_hash: change.safeTxHash } : { move_hash: change.moveHash }), ...(memberId ? { member: memberId } : {}) };
  return {
    items: [platformEventItem(tableName, eventOf[outcome], object, now)],
    action: outcome === 'voted' ? 'treasury.proposal_approved_by' : `treasury.proposal_${outcome}`,
    object: { type: 'treasury_transfer', id: change.transferId },
  };
}
