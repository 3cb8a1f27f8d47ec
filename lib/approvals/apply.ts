import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { paymentEventItem } from '../events/items.js';
import { transferItems, type TransferIntent } from '../ledger/transfers.js';
import { apiKeyItems, getMerchantProfile, replaceProfileItem, revokeApiKeyItems } from '../merchants/merchants.js';
import { replacePaymentItem, type PaymentRecord } from '../payments/items.js';
import type { Payment } from '../payments/schemas.js';
import { captureChange, readPayment, releasedPayoutChange } from '../payments/settle.js';
import type { PaymentEventType } from '../events/schemas.js';
import { createEndpointItems } from '../webhooks/endpoints.js';
import type { LanepayError } from '../errors/index.js';
import { MemberEmailTakenError } from '../members/errors.js';
import { addMemberItems } from '../members/members.js';
import { assertChangeIntact } from './change-hash.js';
import type { ApprovalDeps } from './deps.js';
import { memberRevocationItems, policyChangeItems } from './member-changes.js';
import type { ApprovalRecord } from './items.js';

export type Outcome = 'approved' | 'rejected' | 'expired';

/** What a decided request did: its items, and the audit record's action and object naming it. */
export interface AppliedOutcome {
  items: TransactWriteItem[];
  action: string;
  object: { type: string; id: string };
  /** By position in `items`: the refusal a failed condition there means (else `concurrent_change`). */
  refusals?: Record<number, LanepayError>;
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
export async function outcomeItems(deps: ApprovalDeps, record: ApprovalRecord, outcome: Outcome, now: Date): Promise<AppliedOutcome> {
  assertChangeIntact(record);
  const { change } = record;
  if (change.kind === 'payout') return payoutItems(deps, record.merchantId, change.paymentId, outcome, now);
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
      return {
        items: createEndpointItems(deps.tableName, { endpoint: change.endpoint, merchantId: record.merchantId, secrets: change.secrets, version: 1 }),
        action: 'webhook_endpoint.created', object: { type: 'webhook_endpoint', id: change.endpoint.id },
      };
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
    case 'member.add':
      // Active from the approval on: it may decide requests made from now.
      return {
        items: addMemberItems(deps.tableName, { ...change.member, createdAt: now.toISOString() }, change.keyDigest),
        refusals: { 2: new MemberEmailTakenError(change.member.email) },
        action: 'member.added', object: { type: 'member', id: change.member.id },
      };
    case 'member.revoke': {
      const guarded = memberRevocationItems(deps.tableName, await getMerchantProfile(deps, record.merchantId), change.memberId, now);
      return { ...guarded, action: 'member.revoked', object: { type: 'member', id: change.memberId } };
    }
  }
}

async function payoutItems(deps: ApprovalDeps, merchantId: string, paymentId: string, outcome: Outcome, now: Date): Promise<AppliedOutcome> {
  const record = await readPayment(deps, merchantId, paymentId);
  const waiting = { version: record.version, status: 'requires_approval' };
  const { approval_id: _released, ...payment } = record.payment;
  let next: Payment;
  let transfers: TransferIntent[];
  let event: PaymentEventType;
  let action: string;
  if (outcome !== 'approved') {
    ({ next, transfers, event } = releasedPayoutChange(record, outcome === 'rejected' ? 'canceled' : 'expired'));
    action = event;
  } else if (payment.capture === 'automatic') {
    // Captured at once, as an automatic payment is when no approval is needed: the payout follows.
    const capture = captureChange({ ...record, payment }, { fee: record.feeTerms! }, undefined);
    ({ next, transfers, event } = capture);
    action = 'payment.captured';
  } else {
    // The merchant captures it as any authorized payment; the authorization runs from the approval.
    next = { ...payment, status: 'authorized', expires_at: new Date(now.getTime() + deps.holdExpiryMs).toISOString() };
    transfers = [];
    event = 'payment.authorized';
    // Its authorization was recorded when it was held (`payment.authorized`); this is the release.
    action = 'payment.approved';
  }
  const nextRecord: PaymentRecord = { ...record, payment: next, version: record.version + 1 };
  return {
    items: [
      replacePaymentItem(deps.tableName, nextRecord, waiting),
      paymentEventItem(deps.tableName, merchantId, event, next, now).item,
      ...transferItems(deps.tableName, transfers, now.toISOString()),
    ],
    action,
    object: { type: 'payment', id: paymentId },
  };
}
