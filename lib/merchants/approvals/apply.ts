import type { DynamoDBClient, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { AuditMovement } from '#audit';
import type { LanepayError } from '#platform';
import { apiKeyItems, getMerchantProfile, replaceProfileItem, revokeApiKeyItems } from '../merchants.js';
import { MemberEmailTakenError, TreasuryOtherMerchantError, TreasuryOwnerTakenError } from '../members/errors.js';
import { bindingRefusalOffsets } from '../members/treasury-owners.js';
import { addMemberItems, ownerBindingIndex, readMember } from '../members/members.js';
import { assertChangeIntact } from './change-hash.js';
import { memberRevocationItems, policyChangeItems } from './member-changes.js';
import type { ApprovalRecord, HeldWebhookEndpoint } from './items.js';

export type Outcome = 'approved' | 'rejected' | 'expired';

/** What a decided request did: its items, and the audit record's action and object naming it. */
export interface AppliedOutcome {
  items: TransactWriteItem[];
  action: string;
  object: { type: string; id: string };
  /** The balance movements its items book (a held payout captured), for the record (#audit AuditEntry.movements). */
  movements?: readonly AuditMovement[];
  /** By position in `items`: the refusal a failed condition there means (else `concurrent_change`). */
  refusals?: Record<number, LanepayError>;
}

/**
 * Carry out the held changes that other parts of Lanepay own: a payout (lib/money/payments) and a webhook
 * endpoint (lib/notify/webhooks). Both of those ask approvals for holds, so approvals cannot import them:
 * the appliers come in deps, built where a function is composed (functions/commons/approval-deps.ts).
 */
export interface HeldChangeAppliers {
  /** A held payout decided: approved → authorized (or captured, if automatic); rejected or expired → released. */
  payout(merchantId: string, paymentId: string, outcome: Outcome, now: Date): Promise<AppliedOutcome>;
  /** An approved webhook endpoint: created as it was requested. */
  webhookEndpoint(merchantId: string, held: HeldWebhookEndpoint): AppliedOutcome;
  /**
   * A treasury transfer's request decided, or (`voted`) approved by one more owner without being
   * decided yet: the platform event the treasury function signs, executes or fails the transfer on
   * (lib/treasury). Nothing of the transfer changes here; the function does that in its own steps.
   */
  treasuryTransfer(record: ApprovalRecord, outcome: Outcome | 'voted', memberId: string | undefined, now: Date): AppliedOutcome;
}

/** What applying needs of ApprovalDeps (deps.ts takes HeldChangeAppliers from here, so this module does not import it back). */
export interface ApplyDeps {
  dynamodb: DynamoDBClient;
  tableName: string;
  appliers: HeldChangeAppliers;
}

/**
 * The items that carry out a decided request, joined to the transaction that records the decision:
 * approved → the held change happens; rejected or expired → a held payout's funds are released
 * (other changes were never written, so nothing is undone). The audit record names what happened to
 * what changed (the same action as the change made without approval), or the request itself when
 * nothing but the request changed: one record, since the transaction carries one per merchant.
 * The stored change is checked against the hash recorded with the request first: an altered request
 * applies nothing (`change_mismatch`).
 */
export async function outcomeItems(deps: ApplyDeps, record: ApprovalRecord, outcome: Outcome, now: Date): Promise<AppliedOutcome> {
  assertChangeIntact(record);
  const { change } = record;
  if (change.kind === 'payout') return deps.appliers.payout(record.merchantId, change.paymentId, outcome, now);
  if (change.kind === 'treasury.transfer') return deps.appliers.treasuryTransfer(record, outcome, undefined, now);
  if (outcome !== 'approved') return { items: [], action: `approval.${outcome}`, object: { type: 'approval', id: record.approval.id } };
  switch (change.kind) {
    case 'api_key.create':
      return {
        items: apiKeyItems(deps.tableName, record.merchantId, change.keyId, change.digest, now.toISOString()),
        action: 'api_key.created', object: { type: 'api_key', id: change.keyId },
      };
    case 'api_key.revoke':
      return { items: revokeApiKeyItems(deps.tableName, change.keyId, change.digest), action: 'api_key.revoked', object: { type: 'api_key', id: change.keyId } };
    case 'webhook_endpoint.create':
      return deps.appliers.webhookEndpoint(record.merchantId, { endpoint: change.endpoint, secrets: change.secrets });
    case 'risk.set': {
      const current = await getMerchantProfile(deps, record.merchantId);
      return {
        items: [replaceProfileItem(deps.tableName, record.merchantId, current, { ...current, risk: change.risk })],
        action: 'risk_settings.updated', object: { type: 'merchant', id: record.merchantId },
      };
    }
    case 'approval_policy.set': {
      const guarded = policyChangeItems(deps.tableName, await getMerchantProfile(deps, record.merchantId), change.policy);
      return { ...guarded, action: 'approval_policy.updated', object: { type: 'merchant', id: record.merchantId } };
    }
    case 'member.add': {
      const refusals: Record<number, LanepayError> = { 2: new MemberEmailTakenError(change.member.email) };
      if (change.member.treasuryOwner !== undefined) {
        refusals[ownerBindingIndex + bindingRefusalOffsets.owner] = new TreasuryOwnerTakenError(change.member.treasuryOwner, undefined);
        refusals[ownerBindingIndex + bindingRefusalOffsets.treasuryMerchant] = new TreasuryOtherMerchantError(record.merchantId, undefined);
      }
      // Active from the approval on: it may decide requests made from now.
      return {
        items: addMemberItems(deps.tableName, { ...change.member, createdAt: now.toISOString() }, change.keyDigest),
        refusals,
        action: 'member.added', object: { type: 'member', id: change.member.id },
      };
    }
    case 'platform.set': {
      const current = await getMerchantProfile(deps, record.merchantId);
      return {
        items: [replaceProfileItem(deps.tableName, record.merchantId, current, { ...current, platform: change.platform })],
        action: 'merchant.platform_updated', object: { type: 'merchant', id: record.merchantId },
      };
    }
    case 'member.revoke': {
      const guarded = memberRevocationItems(deps.tableName, await getMerchantProfile(deps, record.merchantId), await readMember(deps, record.merchantId, change.memberId), now);
      return { ...guarded, action: 'member.revoked', object: { type: 'member', id: change.memberId } };
    }
  }
}
