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
export { newApprovalRecord, requestApproval, requestApprovalItems, requestTreasuryTransferApproval, newTreasuryTransferApproval, type TreasuryTransferRequest } from './approvals/request.js';
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
export { defaultMemberRole, isMemberRole, memberRoleOf, memberRoles, roleAtLeast } from './members/items.js';
export type { MemberRole } from './members/items.js';
export {
  apiKeyDigestOf, apiKeyMerchant, createApiKey, createMerchant, getMerchantProfile, mintApiKey, revokeApiKey,
  updateMerchantProfile,
} from './merchants.js';
export { feeFor, merchantProfileSchema } from './profile.js';
export type { MerchantProfile } from './profile.js';
export { assignUsageKey } from './usage-keys.js';
export { authenticateSession, sessionBearer } from './sessions/authenticate.js';
export { sessionAbsoluteMs, sessionIdleMs } from './sessions/deps.js';
export type { SessionDeps } from './sessions/deps.js';
export { defaultSignInLimits } from './sessions/rate-limit.js';
export type { SignInLimits } from './sessions/rate-limit.js';
export { assertCsrfToken, currentSession, currentSessionView, endSession } from './sessions/sessions.js';
export type { CurrentSession, SessionView } from './sessions/sessions.js';
export { parsePasskeyHeader } from './sessions/approval-passkey.js';
export type { PasskeyVerifier } from './sessions/approval-passkey.js';
export { approvalPasskeyOptions } from './sessions/approval-passkey-options.js';
export { passkeyRegistrationOptions, passkeySignInOptions, registerPasskey, signInWithPasskey } from './sessions/passkeys.js';
export type { RelyingParty } from './sessions/passkeys.js';
export { signInWithTotp } from './sessions/sign-in.js';
export type { SignedIn } from './sessions/sign-in.js';
export * as approvalsErrors from './approvals/errors.js';
export * as merchantsErrors from './errors.js';
export * as membersErrors from './members/errors.js';
export * as sessionsErrors from './sessions/errors.js';
export {
  approvalPolicyOf, approvalPolicyViewSchema, createdMemberSchema, createMemberBodySchema, createMemberFor, heldChangeSchema,
  listMembersQuerySchema, memberIdPathSchema, revokedMemberSchema, revokeMemberFor, setApprovalPolicyFor, setPolicyBodySchema,
} from './members/api.js';
export { listMembers, memberViewSchema } from './members/list.js';
export type { MemberView } from './members/list.js';
export type { MemberDeps } from './members/members.js';
export { assertPlatformMerchant, isPlatformMerchant, setPlatformUnderPolicy } from './platform.js';
export { boundOwnerCount, treasuryMerchant, treasuryOwnerBinding } from './members/treasury-owners.js';
export { treasuryApprovalState, type TreasuryApprovalState } from './approvals/treasury-signers.js';
export type { TreasuryShape } from './members/treasury-owners.js';
export { treasuryOwnerMembers } from './members/treasury-owners.js';
export type { TreasuryOwnerMember } from './members/treasury-owners.js';
export { treasuryTransferApprovals } from './treasury-approvals.js';
