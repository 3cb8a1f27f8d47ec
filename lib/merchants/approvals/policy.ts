// zod/mini: part of the merchant profile the authorizer parses (lib/platform/aws/config.ts says why).
import * as z from 'zod/mini';
import { amountStringSchema } from '#ledger';

/** Default time an approval request waits before it expires (and a held payment is released). */
export const defaultApprovalExpirySeconds = 24 * 3600;

/**
 * A merchant's approval policy, stored in its profile (so the authorizer hands it to every function
 * with no extra read). A merchant without a policy needs no approvals: it opts in by setting one.
 * Once set, administrative changes need one approval unless the policy says otherwise.
 */
export const approvalPolicySchema = z.strictObject({
  /** Payments (payouts) of at least this many minor units, of any asset, wait for `approvals` members. */
  payouts: z.optional(z.strictObject({
    at_or_above: amountStringSchema,
    approvals: z.number().check(z.int(), z.gte(1), z.lte(10)),
  })),
  /** Refunds of charges (POST /v1/charges/{id}/refunds) of at least this many minor units wait for `approvals` members. */
  refunds: z.optional(z.strictObject({
    at_or_above: amountStringSchema,
    approvals: z.number().check(z.int(), z.gte(1), z.lte(10)),
  })),
  /**
   * Treasury transfers (the platform merchant's only): each approval is one owner signature of the
   * Safe, so at least the Safe's threshold, from members bound to owner keys (docs/treasury.md).
   */
  treasury: z.optional(z.strictObject({ approvals: z.number().check(z.int(), z.gte(1), z.lte(10)) })),
  /** API key creation and revocation, risk limits, the policy itself, webhook endpoints, adding and revoking members. */
  admin_changes: z._default(z.strictObject({ approvals: z.number().check(z.int(), z.gte(0), z.lte(10)) }), { approvals: 1 }),
  /** How long a request waits for its approvals before it expires. */
  expires_after_seconds: z._default(z.number().check(z.int(), z.gte(1), z.lte(30 * 24 * 3600)), defaultApprovalExpirySeconds),
});
export type ApprovalPolicy = z.infer<typeof approvalPolicySchema>;

/** Changes an operator (CLI) or an API key may ask for that a policy can hold for approval. */
export const adminActions = ['api_key.create', 'api_key.revoke', 'risk.set', 'approval_policy.set', 'webhook_endpoint.create', 'member.add', 'member.revoke', 'platform.set'] as const;
export type AdminAction = (typeof adminActions)[number];
export type ApprovalActionKind = 'payout' | 'treasury.transfer' | AdminAction;

export type ApprovalAction = { kind: 'payout' | 'refund'; amountMinor: bigint; asset: string } | { kind: AdminAction };

export interface ApprovalRequirement {
  /** Distinct members (never the requester) who must approve; 0 means the action goes ahead at once. */
  approvals: number;
  /** The policy rule that asked for them, for the request and its refusal messages. */
  rule: 'none' | 'payouts.at_or_above' | 'refunds.at_or_above' | 'admin_changes' | 'treasury';
  expiresAfterSeconds: number;
}

/**
 * What an action needs under a policy. Pure and total: rules are checked in a fixed order, and an
 * absent policy requires nothing (setting the first policy is therefore never held).
 */
export function requiredApprovals(policy: ApprovalPolicy | undefined, action: ApprovalAction): ApprovalRequirement {
  const expiresAfterSeconds = policy?.expires_after_seconds ?? defaultApprovalExpirySeconds;
  const none: ApprovalRequirement = { approvals: 0, rule: 'none', expiresAfterSeconds };
  if (!policy) return none;
  if (action.kind === 'payout') {
    if (!policy.payouts || action.amountMinor < BigInt(policy.payouts.at_or_above)) return none;
    return { approvals: policy.payouts.approvals, rule: 'payouts.at_or_above', expiresAfterSeconds };
  }
  if (action.kind === 'refund') {
    if (!policy.refunds || action.amountMinor < BigInt(policy.refunds.at_or_above)) return none;
    return { approvals: policy.refunds.approvals, rule: 'refunds.at_or_above', expiresAfterSeconds };
  }
  if (policy.admin_changes.approvals === 0) return none;
  return { approvals: policy.admin_changes.approvals, rule: 'admin_changes', expiresAfterSeconds };
}

/** The most approvals any rule of the policy can ask for: the merchant needs at least that many members. */
export function mostApprovalsAsked(policy: ApprovalPolicy): number {
  return Math.max(policy.payouts?.approvals ?? 0, policy.refunds?.approvals ?? 0, policy.treasury?.approvals ?? 0, policy.admin_changes.approvals);
}

/**
 * The approvals the policy in force asks for a request of this kind. Deciding needs at least this
 * many, whatever the request item says: the item is written by the function that held the change,
 * which must not be able to lower its own bar.
 */
export function approvalsAskedFor(policy: ApprovalPolicy | undefined, kind: ApprovalActionKind): number {
  if (!policy) return 0;
  if (kind === 'treasury.transfer') return policy.treasury?.approvals ?? 0;
  return kind === 'payout' ? (policy.payouts?.approvals ?? 0) : policy.admin_changes.approvals;
}
