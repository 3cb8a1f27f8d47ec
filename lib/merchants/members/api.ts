import * as z from 'zod';
import { activeMemberCount } from './active-count.js';
import { memberRoles } from './items.js';
import { memberView, memberViewSchema, type MemberView } from './list.js';
import { readMember, type MemberDeps } from './members.js';
import { addMemberUnderPolicy, revokeMemberUnderPolicy, setPolicyUnderPolicy, type Requester } from '../approvals/member-changes.js';
import { approvalPolicySchema } from '../approvals/policy.js';
import { approvalSchema, type Approval } from '../approvals/schemas.js';
import { getMerchantProfile } from '../merchants.js';

/**
 * The members and approval-policy routes (GET/POST /v1/members, POST /v1/members/{id}/revoke,
 * GET/PUT /v1/approval_policy): the same held changes as the CLI's `member add`, `member revoke`
 * and `approval-policy set`, asked by an API key or a console member instead of the operator.
 */

export const memberIdPathSchema = z.strictObject({ id: z.string().regex(/^mem_[0-9a-z]{26}$/, 'must be a member id (mem_...)') });

export const listMembersQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(100),
  starting_after: z.string().regex(/^mem_[0-9a-z]{26}$/).optional(),
});

export const createMemberBodySchema = z.strictObject({
  email: z.string().max(254).regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address'),
  /** What the member may do in the console; `approver` (deciding requests) unless said. */
  role: z.enum(memberRoles).default('approver'),
});

export const setPolicyBodySchema = z.strictObject({ policy: approvalPolicySchema });

/** A member just added: its key and TOTP URI are shown this once; `approval` when the add waits for approvals. */
export const createdMemberSchema = memberViewSchema.extend({
  merchant_id: z.string(),
  key: z.string(),
  otpauth_uri: z.string(),
  approval: approvalSchema.optional(),
});

export const revokedMemberSchema = memberViewSchema.extend({ approval: approvalSchema.optional() });

export const approvalPolicyViewSchema = z.object({
  object: z.literal('approval_policy'),
  /** The policy in force, its defaults filled in; null: none, nothing is held. */
  policy: z.nullable(approvalPolicySchema),
  /** Members not revoked: a policy may not ask more approvals than this. */
  active_members: z.number().int(),
});

export const heldChangeSchema = z.object({ approval: approvalSchema });

type Asked = Requester & { merchantId: string };

/** POST /v1/members: added at once (201) or held (202, with the request). */
export async function createMemberFor(deps: MemberDeps, input: Asked & z.infer<typeof createMemberBodySchema>) {
  const { approval, ...added } = await addMemberUnderPolicy(deps, { merchantId: input.merchantId, email: input.email, role: input.role, requestedBy: input.requestedBy });
  const view: MemberView = memberView({ id: added.id, email: added.email, createdAt: (deps.now?.() ?? new Date()).toISOString(), role: added.role });
  return { held: approval !== undefined, body: { ...view, merchant_id: added.merchant_id, key: added.key, otpauth_uri: added.otpauth_uri, ...(approval ? { approval } : {}) } };
}

/** POST /v1/members/{id}/revoke: revoked at once (200, the member) or held (202, the member as it is and the request). */
export async function revokeMemberFor(deps: MemberDeps, input: Asked & { memberId: string }) {
  const result = await revokeMemberUnderPolicy(deps, input);
  const member = await readMember(deps, input.merchantId, input.memberId);
  const view = memberView(member);
  return { held: result.approval !== undefined, body: result.approval ? { ...view, approval: result.approval } : view };
}

/** GET /v1/approval_policy: the policy in force (null: none, nothing is held) and how many members may approve. */
export async function approvalPolicyOf(deps: Pick<MemberDeps, 'dynamodb' | 'tableName'>, merchantId: string) {
  const [profile, active] = await Promise.all([getMerchantProfile(deps, merchantId), activeMemberCount(deps, merchantId)]);
  return { object: 'approval_policy' as const, policy: profile.approvals ?? null, active_members: active };
}

/** PUT /v1/approval_policy: set at once (200, the policy now in force) or held under the current one (202, the request). */
export async function setApprovalPolicyFor(deps: MemberDeps, input: Asked & { policy: z.infer<typeof approvalPolicySchema> }): Promise<{ held: true; body: { approval: Approval } } | { held: false; body: Awaited<ReturnType<typeof approvalPolicyOf>> }> {
  const result = await setPolicyUnderPolicy(deps, input);
  if ('object' in result && result.object === 'approval') return { held: true, body: { approval: result } };
  return { held: false, body: await approvalPolicyOf(deps, input.merchantId) };
}
