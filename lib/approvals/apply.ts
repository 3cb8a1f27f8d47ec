import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { paymentEventItem } from '../events/items.js';
import { transferItems, type TransferIntent } from '../ledger/transfers.js';
import { apiKeyItems, getMerchantProfile, replaceProfileItem, revokeApiKeyItems } from '../merchants/merchants.js';
import { replacePaymentItem, type PaymentRecord } from '../payments/items.js';
import type { Payment } from '../payments/schemas.js';
import { captureChange, readPayment, voidHold } from '../payments/settle.js';
import type { PaymentEventType } from '../events/schemas.js';
import { createEndpointItems } from '../webhooks/endpoints.js';
import type { ApprovalDeps } from './deps.js';
import type { ApprovalRecord } from './items.js';

export type Outcome = 'approved' | 'rejected' | 'expired';

/**
 * The items that carry out a decided request, joined to the transaction that records the decision:
 * approved → the held change happens; rejected or expired → a held payout's funds are released
 * (other changes were never written, so nothing is undone).
 */
export async function outcomeItems(deps: ApprovalDeps, record: ApprovalRecord, outcome: Outcome, now: Date): Promise<TransactWriteItem[]> {
  const { change } = record;
  if (change.kind === 'payout') return payoutItems(deps, record.merchantId, change.paymentId, outcome, now);
  if (outcome !== 'approved') return [];
  switch (change.kind) {
    case 'api_key.create':
      return apiKeyItems(deps.tableName, record.merchantId, change.keyId, change.digest, now.toISOString());
    case 'api_key.revoke':
      return revokeApiKeyItems(deps.tableName, change.keyId, change.digest);
    case 'webhook_endpoint.create':
      return createEndpointItems(deps.tableName, { endpoint: change.endpoint, merchantId: record.merchantId, secrets: change.secrets, version: 1 });
    case 'risk.set':
    case 'approval_policy.set': {
      const current = await getMerchantProfile(deps, record.merchantId);
      const next = change.kind === 'risk.set' ? { ...current, risk: change.risk } : { ...current, approvals: change.policy };
      return [replaceProfileItem(deps.tableName, record.merchantId, current, next)];
    }
  }
}

async function payoutItems(deps: ApprovalDeps, merchantId: string, paymentId: string, outcome: Outcome, now: Date): Promise<TransactWriteItem[]> {
  const record = await readPayment(deps, merchantId, paymentId);
  const waiting = { version: record.version, status: 'requires_approval' };
  const { approval_id: _released, ...payment } = record.payment;
  let next: Payment;
  let transfers: TransferIntent[];
  let event: PaymentEventType;
  if (outcome !== 'approved') {
    next = { ...payment, status: outcome === 'rejected' ? 'canceled' : 'expired', expires_at: null };
    transfers = voidHold(record, `trf_${outcome === 'rejected' ? 'void' : 'expire'}_${paymentId}`);
    event = outcome === 'rejected' ? 'payment.canceled' : 'payment.expired';
  } else if (payment.capture === 'automatic') {
    // Captured at once, as an automatic payment is when no approval is needed: the payout follows.
    const capture = captureChange({ ...record, payment }, { fee: record.feeTerms! }, undefined);
    ({ next, transfers, event } = capture);
  } else {
    // The merchant captures it as any authorized payment; the authorization runs from the approval.
    next = { ...payment, status: 'authorized', expires_at: new Date(now.getTime() + deps.holdExpiryMs).toISOString() };
    transfers = [];
    event = 'payment.authorized';
  }
  const nextRecord: PaymentRecord = { ...record, payment: next, version: record.version + 1 };
  return [
    replacePaymentItem(deps.tableName, nextRecord, waiting),
    paymentEventItem(deps.tableName, merchantId, event, next, now).item,
    ...transferItems(deps.tableName, transfers, now.toISOString()),
  ];
}
