import { balanceMovements, transferItems, type TransferIntent } from '#ledger';
import type { AppliedOutcome, Outcome } from '#merchants';
import type { PaymentDeps } from './deps.js';
import { paymentEventItem, type PaymentEventType } from './events.js';
import { replacePaymentItem, type PaymentRecord } from './items.js';
import type { Payment } from './schemas.js';
import { refundFollowItems } from '../refunds/follow.js';
import { captureChange, readPayment, releasedPayoutChange } from './settle.js';

/**
 * What deciding a payout held for approval (lib/merchants/approvals) does to it: approved → captured at once
 * when its capture is automatic, else authorized from the approval on; rejected or expired → its
 * hold released. The items join the transaction that records the decision, conditioned on the
 * payment still waiting at the version read. Given to approvals as their payout applier.
 */
export async function heldPayoutOutcome(
  deps: Pick<PaymentDeps, 'dynamodb' | 'tableName' | 'holdExpiryMs'>, merchantId: string, paymentId: string, outcome: Outcome, now: Date,
): Promise<AppliedOutcome> {
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
    // A claim refund's payout waits for its payer instead, until the claim's own expiry (its message names it).
    const expiresAt = record.refund?.claim?.expiresAt ?? new Date(now.getTime() + deps.holdExpiryMs).toISOString();
    next = { ...payment, status: 'authorized', expires_at: expiresAt };
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
      ...refundFollowItems(deps.tableName, record, next, now),
    ],
    action,
    object: { type: 'payment', id: paymentId },
    movements: balanceMovements(transfers),
  };
}
