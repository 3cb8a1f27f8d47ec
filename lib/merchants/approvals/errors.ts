import { LanepayError } from '#platform';

/** The requester of a change can never approve (or reject) it. */
export class SelfApprovalError extends LanepayError<'self_approval'> {
  override name = 'SelfApprovalError';
  constructor(approvalId: string) {
    super('self_approval', `You requested ${approvalId}; another member must decide it.`);
  }
}

export class AlreadyApprovedError extends LanepayError<'already_approved'> {
  override name = 'AlreadyApprovedError';
  constructor(approvalId: string) {
    super('already_approved', `You already approved ${approvalId}; it waits for other members.`);
  }
}

/** Approved, rejected or expired already: a decision is final. */
export class ApprovalDecidedError extends LanepayError<'approval_decided'> {
  override name = 'ApprovalDecidedError';
  constructor(approvalId: string, status: string) {
    super('approval_decided', `Approval ${approvalId} is ${status}; it can no longer be decided.`, { extensions: { approval_status: status } });
  }
}

/**
 * A change that would leave the policy unsatisfiable: a policy asking for more approvals than the
 * merchant has active members, or a revocation leaving fewer active members than the policy asks for.
 * Nothing is written: held changes would otherwise wait forever.
 */
export class PolicyNotSatisfiableError extends LanepayError<'policy_unsatisfiable'> {
  override name = 'PolicyNotSatisfiableError';
  constructor(detail: string, readonly asked: number, readonly activeMembers: number | undefined) {
    super('policy_unsatisfiable', detail, { extensions: { approvals_asked: asked, ...(activeMembers !== undefined ? { active_members: activeMembers } : {}) } });
  }

  /** A policy asking `asked` approvals of `active` members. */
  static forPolicy(asked: number, active: number): PolicyNotSatisfiableError {
    return new PolicyNotSatisfiableError(`The policy asks for ${asked} approval(s) but the merchant has ${active} active member(s); add members first (lanepay member add).`, asked, active);
  }

  /** Revoking one of `active` members (undefined: as many as a racing change left) under a policy asking `asked`. */
  static forRevocation(memberId: string, asked: number, active: number | undefined): PolicyNotSatisfiableError {
    const left = active === undefined ? 'fewer' : String(active - 1);
    return new PolicyNotSatisfiableError(`Revoking ${memberId} would leave ${left} active member(s) where the policy asks for ${asked} approval(s); add a member or lower the policy first.`, asked, active);
  }

  /** A treasury rule asking `asked` owner signatures of `bound` members bound to owner keys (undefined: fewer, as a racing change left). */
  static forOwners(asked: number, bound: number | undefined): PolicyNotSatisfiableError {
    const have = bound === undefined ? 'fewer' : String(bound);
    return new PolicyNotSatisfiableError(`The treasury rule asks for ${asked} approval(s), each an owner signature, but ${have} member(s) are bound to owner keys; bind owners first (lanepay member add --platform --owner N).`, asked, undefined);
  }

  /** Revoking a treasury owner, one of `bound` (undefined: as many as a racing change left), under a treasury rule asking `asked`. */
  static forOwnerRevocation(memberId: string, asked: number, bound: number | undefined): PolicyNotSatisfiableError {
    const left = bound === undefined ? 'fewer' : String(bound - 1);
    return new PolicyNotSatisfiableError(`Revoking ${memberId} would leave ${left} member(s) bound to treasury owner keys where the treasury rule asks for ${asked} approval(s); bind another owner or lower the rule first.`, asked, undefined);
  }
}

/**
 * The stored change no longer matches the hash recorded when the request was made (its action,
 * subject and details, what members see, with the change applied): the request item was altered.
 * Nothing is decided or applied.
 */
export class ChangeMismatchError extends LanepayError<'change_mismatch'> {
  override name = 'ChangeMismatchError';
  constructor(approvalId: string, readonly recorded: string | null, readonly computed: string) {
    super('change_mismatch', `The change stored in ${approvalId} is not the change it was requested with (change_hash ${recorded ?? 'missing'}, stored change hashes to ${computed}); it cannot be decided. Report it: the request item was altered.`, {
      extensions: { change_hash: recorded, stored_change_hash: computed },
    });
  }
}

/** A revoked member cannot decide, even with a key the authorizer's cache still admits. */
export class MemberRevokedError extends LanepayError<'member_revoked'> {
  override name = 'MemberRevokedError';
  constructor(memberId: string) {
    super('member_revoked', `Member ${memberId} was revoked; it can no longer decide requests.`);
  }
}

/** Only members active when a request was made may decide it: a member added later could be the requester's own. */
export class MemberNotEligibleError extends LanepayError<'member_not_eligible'> {
  override name = 'MemberNotEligibleError';
  constructor(memberId: string, approvalId: string) {
    super('member_not_eligible', `Member ${memberId} was added after ${approvalId} was requested; only members active then may decide it.`);
  }
}

/** The member a revocation names may not decide it (one rejection would keep a departed member). */
export class OwnRevocationError extends LanepayError<'own_revocation'> {
  override name = 'OwnRevocationError';
  constructor(approvalId: string) {
    super('own_revocation', `${approvalId} revokes you; other members must decide it.`);
  }
}

export class MemberAlreadyRevokedError extends LanepayError<'member_already_revoked'> {
  override name = 'MemberAlreadyRevokedError';
  constructor(memberId: string) {
    super('member_already_revoked', `Member ${memberId} is already revoked.`);
  }
}

/**
 * A `treasury` rule asking fewer approvals than the Safe's threshold: the approvals would be given
 * and the transfer could still not execute (each approval adds one owner signature).
 */
export class TreasuryApprovalsBelowThresholdError extends LanepayError<'treasury_approvals_below_threshold'> {
  override name = 'TreasuryApprovalsBelowThresholdError';
  constructor(asked: number, threshold: number) {
    super('treasury_approvals_below_threshold', `The treasury rule asks for ${asked} approval(s), but the treasury's Safes need ${threshold} owner signatures: ask for at least ${threshold}.`, { extensions: { approvals_asked: asked, threshold } });
  }
}

/** A treasury transfer is approved by owners only: each approval is that owner's signature. */
export class MemberNotTreasuryOwnerError extends LanepayError<'member_not_treasury_owner'> {
  override name = 'MemberNotTreasuryOwnerError';
  constructor(memberId: string, approvalId: string) {
    super('member_not_treasury_owner', `${approvalId} is a treasury transfer: only members bound to a treasury owner key decide it, and ${memberId} is not.`);
  }
}

/** A treasury transfer asked of a merchant whose policy has no treasury rule: the treasury never moves without approvals. */
export class TreasuryRuleMissingError extends LanepayError<'treasury_rule_missing'> {
  override name = 'TreasuryRuleMissingError';
  constructor(merchantId: string) {
    super('treasury_rule_missing', `${merchantId}'s approval policy has no treasury rule: set one (lanepay approval-policy set --platform --policy '{"treasury":{"approvals":2}}') before transfers are proposed.`);
  }
}
