import { type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { writeAudited } from '#audit';
import { ledgerPostings } from '#ledger';
import { ConcurrentChangeError, conditionFailedAt, isConditionRefusal } from '#platform';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { OtpReplayedError } from '../members/errors.js';
import { checkMemberPasskey, type PasskeyVerifier } from '../sessions/approval-passkey.js';
import { PasskeyInvalidError } from '../sessions/errors.js';
import type { RelyingParty } from '../sessions/passkeys.js';
import type { MemberRecord } from '../members/items.js';
import { readMember } from '../members/members.js';
import { checkMemberCode } from '../members/otp.js';
import { memberStillActiveItem } from '../members/revoke.js';
import { outcomeItems, type AppliedOutcome } from './apply.js';
import { assertChangeIntact } from './change-hash.js';
import type { ApprovalDeps } from './deps.js';
import { AlreadyApprovedError, ApprovalDecidedError, MemberNotEligibleError, MemberNotTreasuryOwnerError, MemberRevokedError, OwnRevocationError, SelfApprovalError } from './errors.js';
import { readApproval, replaceApprovalItem, type ApprovalRecord } from './items.js';
import { approvalsAskedFor } from './policy.js';
import { newVoteItem, readVotes, type Vote } from './votes.js';
import { getMerchantProfile } from '../merchants.js';
import type { Approval } from './schemas.js';

export interface Decision {
  merchantId: string;
  memberId: string;
  approvalId: string;
  decision: 'approve' | 'reject';
  /** The Lanepay-OTP header. */
  code: string | undefined;
  /** Instead of a code: the member's passkey answer (Lanepay-Passkey) to a challenge made for this request's change_hash. */
  passkey?: { answer: AuthenticationResponseJSON; rp: RelyingParty; verify: PasskeyVerifier } | undefined;
}

/**
 * A member approves or rejects a request. Refusals come in a fixed order: unknown request, already
 * decided or expired, an altered change, the requester themself, the member a revocation names, a
 * member revoked or added after the request, a second approval by the same member, then the
 * member's lock and code. The decision is ONE transaction: the member's code spent (its time step,
 * conditioned on the member still active), the request replaced (conditioned on the version read),
 * and, when it decides the request, the held change or the released payout, with every approval
 * counted conditioned on its member still being active. Approvals of members revoked since do not
 * count. Who approved and how many must are not taken from the request item, which the function
 * that held the change wrote: approvals are the members' votes (lib/merchants/approvals/votes.ts) for this
 * change hash, and the bar is the higher of the request's and what the policy in force asks.
 */
export async function decideApproval(deps: ApprovalDeps, input: Decision): Promise<Approval> {
  const now = deps.now();
  const record = await readApproval(deps, input.merchantId, input.approvalId);
  const { approval } = record;
  if (approval.status !== 'pending') throw new ApprovalDecidedError(approval.id, approval.status);
  if (Date.parse(approval.expires_at) <= now.getTime()) throw new ApprovalDecidedError(approval.id, 'expired');
  assertChangeIntact(record);
  if (approval.requested_by.type === 'member' && approval.requested_by.id === input.memberId) throw new SelfApprovalError(approval.id);
  if (record.change.kind === 'member.revoke' && record.change.memberId === input.memberId) throw new OwnRevocationError(approval.id);
  const [member, votes, profile] = await Promise.all([
    readMember(deps, input.merchantId, input.memberId),
    readVotes(deps, approval.id),
    getMerchantProfile(deps, input.merchantId),
  ]);
  assertEligible(member, approval);
  if (record.change.kind === 'treasury.transfer' && member.treasuryOwner === undefined) throw new MemberNotTreasuryOwnerError(member.id, approval.id);
  const forThisChange = votes.filter((vote) => vote.changeHash === approval.change_hash);
  if (forThisChange.some((vote) => vote.member === input.memberId)) throw new AlreadyApprovedError(approval.id);
  const required = Math.max(approval.approvals_required, approvalsAskedFor(profile.approvals, record.change.kind));

  // The second factor: a code (its time step spent), or a passkey (its challenge spent, its counter
  // moved on, the member checked still active), each spent in the decision's transaction.
  const [spendCode, ...spendPasskey] = input.passkey
    ? [...await checkMemberPasskey(deps, member, approval, input.passkey.rp, input.passkey.answer, input.passkey.verify), memberStillActiveItem(deps.tableName, member.id)]
    : [await checkMemberCode(deps, member, input.code, now)];

  const counted = input.decision === 'approve' ? await countedApprovers(deps, record.merchantId, forThisChange, required) : [];
  const next = nextApproval(record, input, { votes: forThisChange, counted: counted.length, required }, now);
  const outcome = next.approval.status === 'pending' ? undefined : (next.approval.status as 'approved' | 'rejected');
  const applied: AppliedOutcome = outcome
    ? await outcomeItems(deps, record, outcome, now)
    : record.change.kind === 'treasury.transfer'
      // Each owner's approval is that owner's signature: the treasury function adds it on this event.
      ? deps.appliers.treasuryTransfer(record, 'voted', input.memberId, now)
      : { items: [], action: 'approval.approval_added', object: { type: 'approval', id: approval.id } };
  const items: TransactWriteItem[] = [
    spendCode,
    replaceApprovalItem(deps.tableName, next, record.version),
    ...applied.items,
    // The approvals that decided it still count only if their members were not revoked meanwhile.
    ...(outcome === 'approved' ? counted.map((memberId) => memberStillActiveItem(deps.tableName, memberId)) : []),
    // Last, so the positions above keep their meaning; a second vote of this member fails here.
    ...(input.decision === 'approve' ? [newVoteItem(deps.tableName, approval.id, { member: input.memberId, changeHash: approval.change_hash!, at: now.toISOString() })] : []),
    // After the vote: a passkey's counter and its member's standing.
    ...spendPasskey,
  ];
  try {
    // The audit record's items go after these, which keep the positions the cancellation reasons are read by.
    await writeAudited(deps, { items, state: ledgerPostings, audit: { merchantId: input.merchantId, actor: { type: 'member', id: input.memberId }, action: applied.action, object: applied.object, at: now, ...(applied.movements ? { movements: applied.movements } : {}) } });
  } catch (error) {
    const passkeyAt = items.length - spendPasskey.length;
    if (conditionFailedAt(error, 0) || spendPasskey.some((_, index) => conditionFailedAt(error, passkeyAt + index))) {
      if ((await readMember(deps, input.merchantId, input.memberId)).revokedAt !== undefined) throw new MemberRevokedError(input.memberId);
      throw input.passkey ? new PasskeyInvalidError('This passkey answer was used already, or the passkey was used at the same moment elsewhere.') : new OtpReplayedError();
    }
    if (conditionFailedAt(error, 1)) {
      const current = await readApproval(deps, input.merchantId, input.approvalId);
      throw new ConcurrentChangeError(`Approval ${approval.id} changed while this request ran (now ${current.approval.status}, ${current.approval.approvals.length} approval(s)); look at it again and retry.`);
    }
    const refused = applied.items.findIndex((_, index) => conditionFailedAt(error, 2 + index));
    if (refused >= 0 && applied.refusals?.[refused]) throw applied.refusals[refused];
    if (isConditionRefusal(error)) {
      throw new ConcurrentChangeError(`What approval ${approval.id} holds changed meanwhile (the payment, the profile or its approvers); it was not decided.`);
    }
    throw error;
  }
  return next.approval;
}

/** Only members active when the request was made decide it: not revoked, and added before it. */
function assertEligible(member: MemberRecord, approval: Approval): void {
  if (member.revokedAt !== undefined) throw new MemberRevokedError(member.id);
  if (member.createdAt > approval.created_at) throw new MemberNotEligibleError(member.id, approval.id);
}

/**
 * The members whose earlier approvals still count: those not revoked since. Read only when this
 * approval could be the last one needed; otherwise the request stays pending whatever they are.
 */
async function countedApprovers(deps: ApprovalDeps, merchantId: string, votes: Vote[], required: number): Promise<string[]> {
  const given = votes.map((vote) => vote.member);
  if (given.length + 1 < required) return given;
  const members = await Promise.all(given.map((memberId) => readMember(deps, merchantId, memberId)));
  return members.filter((member) => member.revokedAt === undefined).map((member) => member.id);
}

interface Tally {
  /** The votes for the request's change before this decision: what the request lists as approvals. */
  votes: Vote[];
  /** Those of members still active. */
  counted: number;
  required: number;
}

function nextApproval(record: ApprovalRecord, input: Decision, tally: Tally, now: Date): ApprovalRecord {
  const at = now.toISOString();
  const { approval } = record;
  if (input.decision === 'reject') {
    return { ...record, version: record.version + 1, approval: { ...approval, status: 'rejected', rejected_by: { member: input.memberId, at }, decided_at: at } };
  }
  const approvals = [...tally.votes.map((vote) => ({ member: vote.member, at: vote.at })), { member: input.memberId, at }];
  const done = tally.counted + 1 >= tally.required;
  return {
    ...record,
    version: record.version + 1,
    approval: { ...approval, approvals, approvals_required: tally.required, ...(done ? { status: 'approved' as const, decided_at: at } : {}) },
  };
}
