import { type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { operatorActor, writeAudited, type AuditEntry } from '#audit';
import { ConcurrentChangeError, conditionFailedAt, isConditionRefusal, type LanepayError } from '#platform';
import { activeMemberCount, activeMembersAtLeastItem } from '../members/active-count.js';
import { TreasuryNotConfiguredError, TreasuryPlatformOnlyError } from '../members/errors.js';
import { memberRoleOf, type MemberRecord, type MemberRole } from '../members/items.js';
import { addMember, readMember, type AddedMember, type MemberDeps } from '../members/members.js';
import { revokeMemberItems } from '../members/revoke.js';
import { boundOwnerCount, boundOwnersAtLeastItem, releaseOwnerItems } from '../members/treasury-owners.js';
import { getMerchantProfile, merchantProfileKey, replaceProfileItem } from '../merchants.js';
import type { MerchantProfile } from '../profile.js';
import { MemberAlreadyRevokedError, PolicyNotSatisfiableError, TreasuryApprovalsBelowThresholdError } from './errors.js';
import { holdIfRequired } from './hold.js';
import { mostApprovalsAsked, type ApprovalPolicy } from './policy.js';
import type { Approval } from './schemas.js';

/**
 * Changes to who approves and how many must: adding and revoking members, setting the policy. While
 * a policy is in force each is held for the approvals it asks (lib/merchants/approvals/hold.ts), like any
 * administrative change; none may leave the policy asking more approvals than there are active
 * members, checked when asked and again, as a condition, in the transaction that applies it.
 */

/** Items of a change and, by position, the refusal a failed condition there means. */
export interface GuardedItems {
  items: TransactWriteItem[];
  refusals: Record<number, LanepayError>;
}

const askedBy = (profile: MerchantProfile) => (profile.approvals ? mostApprovalsAsked(profile.approvals) : 0);
/** Owner signatures the treasury rule asks: as many owners must stay bound. */
const ownersAskedBy = (profile: MerchantProfile) => profile.approvals?.treasury?.approvals ?? 0;

/** Holds only while the profile (its policy) is the one read: a policy raised meanwhile is checked again. */
function profileUnchangedItem(tableName: string, profile: MerchantProfile): TransactWriteItem {
  return {
    ConditionCheck: {
      TableName: tableName,
      Key: merchantProfileKey(profile.id),
      ConditionExpression: 'profile = :current',
      ExpressionAttributeValues: { ':current': { S: JSON.stringify(profile) } },
    },
  };
}

/**
 * `member.revoke`: the member revoked and counted out, as long as the policy read keeps its M; a
 * treasury owner's key is freed too, as long as the treasury rule keeps as many bound owners.
 */
export function memberRevocationItems(tableName: string, profile: MerchantProfile, member: Pick<MemberRecord, 'id' | 'treasuryOwner'>, at: Date): GuardedItems {
  const asked = askedBy(profile);
  const items = [...revokeMemberItems(tableName, profile.id, member.id, asked, at), profileUnchangedItem(tableName, profile)];
  const refusals: Record<number, LanepayError> = { 0: new MemberAlreadyRevokedError(member.id), 1: PolicyNotSatisfiableError.forRevocation(member.id, asked, undefined) };
  if (member.treasuryOwner !== undefined) {
    const ownersAsked = ownersAskedBy(profile);
    refusals[items.length + 1] = PolicyNotSatisfiableError.forOwnerRevocation(member.id, ownersAsked, undefined);
    items.push(...releaseOwnerItems(tableName, profile.id, member.id, member.treasuryOwner, ownersAsked));
  }
  return { items, refusals };
}

/** `approval_policy.set`: the profile replaced, as long as enough members are active for the new policy. */
export function policyChangeItems(tableName: string, current: MerchantProfile, policy: ApprovalPolicy): GuardedItems {
  const asked = mostApprovalsAsked(policy);
  const guarded: GuardedItems = {
    items: [replaceProfileItem(tableName, current.id, current, { ...current, approvals: policy }), activeMembersAtLeastItem(tableName, current.id, asked)],
    refusals: { 1: new PolicyNotSatisfiableError(`The policy asks for ${asked} approval(s) but fewer members are active now; add members first (lanepay member add).`, asked, undefined) },
  };
  if (policy.treasury) {
    guarded.refusals[guarded.items.length] = PolicyNotSatisfiableError.forOwners(policy.treasury.approvals, undefined);
    guarded.items.push(boundOwnersAtLeastItem(tableName, current.id, policy.treasury.approvals));
  }
  return guarded;
}

/**
 * A treasury rule is the platform merchant's, asks at least the Safe's threshold (each approval is
 * one owner signature), and no more than the owners bound to members can give.
 */
async function assertTreasuryRule(deps: MemberDeps, merchant: MerchantProfile, policy: ApprovalPolicy): Promise<void> {
  if (!policy.treasury) return;
  if (merchant.platform !== true) throw new TreasuryPlatformOnlyError(merchant.id, 'A treasury rule');
  if (!deps.treasury) throw new TreasuryNotConfiguredError();
  if (policy.treasury.approvals < deps.treasury.threshold) throw new TreasuryApprovalsBelowThresholdError(policy.treasury.approvals, deps.treasury.threshold);
  const bound = await boundOwnerCount(deps, merchant.id);
  if (bound < policy.treasury.approvals) throw PolicyNotSatisfiableError.forOwners(policy.treasury.approvals, bound);
}

/** Sends an operator's change and its audit record at once (no policy asks for approvals), translating a failed condition to its refusal. */
async function applyNow(deps: Pick<MemberDeps, 'dynamodb' | 'tableName'>, guarded: GuardedItems, audit: AuditEntry): Promise<void> {
  try {
    await writeAudited(deps, { items: guarded.items, audit });
  } catch (error) {
    if (!isConditionRefusal(error)) throw error;
    const failed = guarded.items.findIndex((_, index) => conditionFailedAt(error, index));
    throw guarded.refusals[failed] ?? new ConcurrentChangeError('The merchant changed while this ran (its profile or members); nothing was written, try again.');
  }
}

export interface Requester {
  /** A member id when a person who is also a member asks (they then cannot approve it); else the operator. */
  requestedByMember?: string | undefined;
  /** Who asks through the API (an API key, a console member); see AdminChange.requestedBy. */
  requestedBy?: Approval['requested_by'] | undefined;
}

/**
 * `lanepay member add`: held while a policy asks approvals for admin changes (the key and the otpauth
 * URI are shown now; the key is refused until the request is approved), else added at once.
 */
export async function addMemberUnderPolicy(
  deps: MemberDeps,
  input: { merchantId: string; email: string; role?: MemberRole | undefined; treasuryOwner?: number | undefined } & Requester,
): Promise<AddedMember & { approval?: Approval }> {
  const merchant = await getMerchantProfile(deps, input.merchantId);
  const { held, ...added } = await addMember(deps, input, (prepared) => holdIfRequired(deps, {
    merchant,
    change: { kind: 'member.add', member: prepared.record, keyDigest: prepared.keyDigest },
    subject: prepared.record.id,
    details: { email: prepared.record.email, role: memberRoleOf(prepared.record), ...(prepared.record.treasuryOwner !== undefined ? { treasury_owner: prepared.record.treasuryOwner } : {}) },
    requestedByMember: input.requestedByMember,
    requestedBy: input.requestedBy,
  }));
  return held ? { ...added, approval: held } : added;
}

/**
 * `lanepay member revoke`: refused if it would leave fewer active members than the policy asks
 * for; held while a policy asks approvals for admin changes; else revoked at once. The authorizer
 * caches a key's answer for up to 60 s; decisions refuse a revoked member at once.
 */
export async function revokeMemberUnderPolicy(
  deps: MemberDeps,
  input: { merchantId: string; memberId: string } & Requester,
): Promise<{ member_id: string; revoked: boolean; approval?: Approval }> {
  const member = await readMember(deps, input.merchantId, input.memberId);
  if (member.revokedAt !== undefined) throw new MemberAlreadyRevokedError(member.id);
  const merchant = await getMerchantProfile(deps, input.merchantId);
  const active = await activeMemberCount(deps, input.merchantId);
  const asked = askedBy(merchant);
  if (active - 1 < asked) throw PolicyNotSatisfiableError.forRevocation(member.id, asked, active);
  if (member.treasuryOwner !== undefined) {
    const bound = await boundOwnerCount(deps, input.merchantId);
    if (bound - 1 < ownersAskedBy(merchant)) throw PolicyNotSatisfiableError.forOwnerRevocation(member.id, ownersAskedBy(merchant), bound);
  }
  const held = await holdIfRequired(deps, {
    merchant, change: { kind: 'member.revoke', memberId: member.id }, subject: member.id, details: { email: member.email }, requestedByMember: input.requestedByMember, requestedBy: input.requestedBy,
  });
  if (held) return { member_id: member.id, revoked: false, approval: held };
  const at = deps.now?.() ?? new Date();
  await applyNow(deps, memberRevocationItems(deps.tableName, merchant, member, at), {
    merchantId: input.merchantId, actor: deps.actor ?? operatorActor, action: 'member.revoked', object: { type: 'member', id: member.id }, at,
  });
  return { member_id: member.id, revoked: true };
}

/**
 * `lanepay approval-policy set`: refused if it asks more approvals than there are active members
 * (the requester never approves, so a held request needs that many besides them); held under the
 * policy in force; the first policy is applied at once.
 */
export async function setPolicyUnderPolicy(
  deps: MemberDeps,
  input: { merchantId: string; policy: ApprovalPolicy } & Requester,
): Promise<{ merchant_id: string; policy: ApprovalPolicy } | Approval> {
  const active = await activeMemberCount(deps, input.merchantId);
  const asked = mostApprovalsAsked(input.policy);
  if (asked > active) throw PolicyNotSatisfiableError.forPolicy(asked, active);
  const merchant = await getMerchantProfile(deps, input.merchantId);
  await assertTreasuryRule(deps, merchant, input.policy);
  const held = await holdIfRequired(deps, {
    merchant, change: { kind: 'approval_policy.set', policy: input.policy }, subject: null, details: { policy: input.policy }, requestedByMember: input.requestedByMember, requestedBy: input.requestedBy,
  });
  if (held) return held;
  const at = deps.now?.() ?? new Date();
  await applyNow(deps, policyChangeItems(deps.tableName, merchant, input.policy), {
    merchantId: input.merchantId, actor: deps.actor ?? operatorActor, action: 'approval_policy.updated', object: { type: 'merchant', id: input.merchantId }, at,
  });
  return { merchant_id: input.merchantId, policy: input.policy };
}
