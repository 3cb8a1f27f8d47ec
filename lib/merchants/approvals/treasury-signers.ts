import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ApprovalStatus } from './schemas.js';
import { assertChangeIntact } from './change-hash.js';
import { readApproval } from './items.js';
import { readVotes } from './votes.js';
import { approvalsAskedFor } from './policy.js';
import { getMerchantProfile } from '../merchants.js';
import { readMember } from '../members/members.js';

/** A treasury transfer's approval as the treasury function acts on it. */
export interface TreasuryApprovalState {
  approvalId: string;
  status: ApprovalStatus;
  transferId: string;
  /** The SafeTx the members approved: the only one their owner keys sign (a transfer out of a treasury). */
  safeTxHash?: string;
  /** The hot wallet move the members approved: the only one chain-submit signs (a transfer out of a hot wallet). */
  moveHash?: string;
  /** Who approved this change and still counts: active members bound to an owner key, one per owner. */
  signers: { memberId: string; owner: number }[];
  /**
   * The signers it takes: the higher of the request's count and the policy's treasury rule in force.
   * The request item's own status is not trusted for this (a writer of `APPROVAL#` items could set
   * it); the votes, which only a decision writes, are.
   */
  required: number;
}

/**
 * Reads a treasury transfer's approval for the treasury function, from the approval's own records:
 * the request (its stored change checked against its change hash first, so an altered request signs
 * nothing), and the votes given for that change hash by members still active and bound to an owner
 * key. A vote is never taken from an event: the event only says which approval to read.
 */
export async function treasuryApprovalState(deps: { dynamodb: DynamoDBClient; tableName: string }, merchantId: string, approvalId: string): Promise<TreasuryApprovalState> {
  const record = await readApproval(deps, merchantId, approvalId);
  assertChangeIntact(record);
  const { change, approval } = record;
  if (change.kind !== 'treasury.transfer') throw new Error(`approval ${approvalId} holds a ${change.kind}, not a treasury transfer`);
  const [allVotes, profile] = await Promise.all([readVotes(deps, approvalId), getMerchantProfile(deps, merchantId)]);
  const votes = allVotes.filter((vote) => vote.changeHash === approval.change_hash);
  const members = await Promise.all(votes.map((vote) => readMember(deps, merchantId, vote.member)));
  const signers = new Map<number, string>();
  for (const member of members) {
    if (member.revokedAt !== undefined || member.treasuryOwner === undefined || signers.has(member.treasuryOwner)) continue;
    signers.set(member.treasuryOwner, member.id);
  }
  return {
    approvalId, status: approval.status, transferId: change.transferId, ...('safeTxHash' in change ? { safeTxHash: change.safeTxHash } : { moveHash: change.moveHash }),
    signers: [...signers].map(([owner, memberId]) => ({ memberId, owner })).sort((a, b) => a.owner - b.owner),
    required: Math.max(approval.approvals_required, approvalsAskedFor(profile.approvals, 'treasury.transfer')),
  };
}
