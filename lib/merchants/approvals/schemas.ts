import * as z from 'zod';

/** `canceled`: the merchant canceled the payout the request held (POST /v1/payments/{id}/cancel). */
export const approvalStatuses = ['pending', 'approved', 'rejected', 'expired', 'canceled'] as const;
export type ApprovalStatus = (typeof approvalStatuses)[number];

export const approvalActions = ['payout', 'api_key.create', 'api_key.revoke', 'risk.set', 'approval_policy.set', 'webhook_endpoint.create', 'member.add', 'member.revoke', 'platform.set', 'treasury.transfer'] as const;

const decisionSchema = z.object({ member: z.string(), at: z.string() });

/** An approval request as members and merchants see it (GET /v1/approvals, approve, reject). */
export const approvalSchema = z.object({
  id: z.string(),
  object: z.literal('approval'),
  status: z.enum(approvalStatuses),
  action: z.enum(approvalActions),
  /** What the request is about: the payment id for a payout, the key id for a key, null otherwise. */
  subject: z.string().nullable(),
  /** Payout amount and asset, or the requested settings (risk overrides, policy); never a secret. */
  details: z.record(z.string(), z.unknown()),
  /**
   * SHA-256 (hex) of the RFC 8785 canonical JSON of `{ action, subject, details, change }`: what
   * members see and the change stored to be applied, recorded when the request was made. Deciding
   * recomputes it and refuses a request whose stored change differs (`change_mismatch`). Null only
   * for requests made before hashes were recorded: they cannot be decided and expire.
   */
  change_hash: z.string().regex(/^[0-9a-f]{64}$/).nullable().default(null),
  approvals_required: z.number().int(),
  approvals: z.array(decisionSchema),
  rejected_by: decisionSchema.nullable(),
  /** Who asked: an API key (payouts), the operator's CLI, a member named with --requested-by, or the system (the forecast job proposing a treasury transfer). */
  requested_by: z.object({ type: z.enum(['api_key', 'operator', 'member', 'system']), id: z.string().nullable() }),
  created_at: z.string(),
  expires_at: z.string(),
  decided_at: z.string().nullable(),
});
export type Approval = z.infer<typeof approvalSchema>;

export const approvalIdPathSchema = z.strictObject({ id: z.string().regex(/^apr_[0-9a-z]{26}$/, 'must be an approval id (apr_...)') });

export const listApprovalsQuerySchema = z.strictObject({
  status: z.enum(approvalStatuses).default('pending'),
  limit: z.coerce.number().int().min(1).max(100).default(10),
  starting_after: z.string().regex(/^apr_[0-9a-z]{26}$/).optional(),
});

/** Approve and reject take no body fields; the code travels in the Lanepay-OTP header. */
export const decideApprovalBodySchema = z.strictObject({});
