// Merchants: who a merchant is (profile, API keys, usage keys), the members who act for it, the
// approvals its policy asks of them, and the outbox writer of the events it is told (merchants/events.ts).
// This is its face: other contexts, api/, functions/ and bin/ import only what it exports (#merchants).
export type { AppliedOutcome, HeldChangeAppliers, Outcome } from './approvals/apply.js';
export { decideApproval } from './approvals/decide.js';
export type { ApprovalDeps } from './approvals/deps.js';
export { expireDueApprovals } from './approvals/expire.js';
export { holdIfRequired } from './approvals/hold.js';
export { readApproval, replaceApprovalItem } from './approvals/items.js';
export type { ApprovalRecord, HeldWebhookEndpoint } from './approvals/items.js';
export { listApprovals } from './approvals/list.js';
export { addMemberUnderPolicy, revokeMemberUnderPolicy, setPolicyUnderPolicy } from './approvals/member-changes.js';
export { approvalPolicySchema, requiredApprovals } from './approvals/policy.js';
export type { ApprovalPolicy, ApprovalRequirement } from './approvals/policy.js';
export { newApprovalRecord, requestApproval, requestApprovalItems } from './approvals/request.js';
export {
  approvalIdPathSchema, approvalSchema, approvalStatuses, decideApprovalBodySchema, listApprovalsQuerySchema,
} from './approvals/schemas.js';
export type { Approval } from './approvals/schemas.js';
export { authenticateKey } from './authenticate.js';
export { eventKey, eventRetentionSeconds, merchantEventsPartition, outboxEventItem, unrelayedEventPartitions } from './events.js';
export type { OutboxEvent } from './events.js';
export { merchantListPartition } from './items.js';
export { KeyCheckCache } from './key-check-cache.js';
export { authenticateMember, memberBearer } from './members/authenticate.js';
export {
  apiKeyDigestOf, apiKeyMerchant, createApiKey, createMerchant, getMerchantProfile, mintApiKey, revokeApiKey,
  updateMerchantProfile,
} from './merchants.js';
export { feeFor, merchantProfileSchema } from './profile.js';
export type { MerchantProfile } from './profile.js';
export { assignUsageKey } from './usage-keys.js';
export * as approvalsErrors from './approvals/errors.js';
export * as merchantsErrors from './errors.js';
export * as membersErrors from './members/errors.js';
export {
  approvalPolicyOf, approvalPolicyViewSchema, createdMemberSchema, createMemberBodySchema, createMemberFor, heldChangeSchema,
  listMembersQuerySchema, memberIdPathSchema, revokedMemberSchema, revokeMemberFor, setApprovalPolicyFor, setPolicyBodySchema,
} from './members/api.js';
export { listMembers, memberRoles, memberViewSchema } from './members/list.js';
export type { MemberRole, MemberView } from './members/list.js';
export type { MemberDeps } from './members/members.js';
export { assertPlatformMerchant, isPlatformMerchant, setPlatformUnderPolicy } from './platform.js';
