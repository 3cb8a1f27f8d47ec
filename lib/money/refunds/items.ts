import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { merchantListPartition } from '#merchants';
import { jsonAttribute, readItem } from '#platform';
import type { Payment } from '../payments/schemas.js';
import type { RefundLink } from '../payments/items.js';
import { refundSchema, type Refund, type RefundStatus } from './schemas.js';

/**
 * A refund item sits in its charge's refunds partition (sorted by refund id, so the charge's list is
 * one query) and on the merchant's gsi1 list; `REFUNDID#` finds it by id.
 */
export function refundKey(chargeId: string, refundId: string) {
  return { pk: { S: `CHARGEREFUNDS#${chargeId}` }, sk: { S: refundId } };
}

/**
 * Where a refund is found by its id alone (GET /v1/refunds/{id}): written once with the refund,
 * naming its merchant and charge, so the read is two consistent GetItems rather than an index query
 * that may lag the write.
 */
export function refundIdKey(refundId: string) {
  return { pk: { S: `REFUNDID#${refundId}` }, sk: { S: 'REFUND' } };
}

export function refundIdItem(merchantId: string, refund: Pick<Refund, 'id' | 'charge'>): Record<string, AttributeValue> {
  return { ...refundIdKey(refund.id), entity: { S: 'refund_id' }, merchantId: { S: merchantId }, chargeId: { S: refund.charge } };
}

/** The partition listing a charge's refunds, newest first. */
export function chargeRefundsPartition(chargeId: string): string {
  return refundKey(chargeId, '').pk.S;
}

/** The gsi1 partition listing a merchant's refunds. */
export function merchantRefundsPartition(merchantId: string): string {
  return merchantListPartition(merchantId, 'REFUNDS');
}

/**
 * The charge's refund total: `refunded`, the sum of its refunds not failed or canceled. Its own
 * item, because the charge item is replaced whole under its version by the watcher; every refund's
 * transaction adds to it under the condition that it stays within what the charge credited.
 */
export function refundTotalKey(chargeId: string) {
  return { pk: { S: `REFUNDTOTAL#${chargeId}` }, sk: { S: 'TOTAL' } };
}

/** The refund's status as its payout's status says. */
export function refundStatusOf(payment: Pick<Payment, 'status'>): RefundStatus {
  switch (payment.status) {
    case 'requires_approval': return 'requires_approval';
    case 'authorized': return 'pending';
    case 'processing': return 'processing';
    case 'succeeded': return 'succeeded';
    case 'failed':
    case 'declined': return 'failed';
    case 'canceled':
    case 'expired': return 'canceled';
  }
}

/** The refund as merchants see it: its payout and what ties the payout to the charge. */
export function refundView(payment: Payment, link: RefundLink): Refund {
  return {
    id: link.id,
    object: 'refund',
    status: refundStatusOf(payment),
    amount: payment.amount,
    fee: payment.fee,
    asset: payment.asset,
    chain: payment.chain,
    destination: payment.destination,
    charge: link.chargeId,
    payout: payment.id,
    reason: link.reason,
    metadata: payment.metadata,
    tx_hash: payment.tx_hash,
    failure_code: payment.failure_code ?? payment.decline_code ?? (claimExpired(payment, link) ? 'claim_expired' : null),
    ...(payment.approval_id ? { approval_id: payment.approval_id } : {}),
    ...(link.claim ? { claim_url: link.claim.url, claim_expires_at: link.claim.expiresAt } : {}),
    created_at: payment.created_at,
  };
}

/**
 * A claim refund whose claim ran out: its payout expired at the claim's expiry (the holds sweep keeps
 * `expires_at`). An approval request's expiry releases the payout with `expires_at` cleared, so it
 * is not mistaken for one.
 */
function claimExpired(payment: Payment, link: RefundLink): boolean {
  return link.claim !== undefined && payment.status === 'expired' && payment.expires_at === link.claim.expiresAt;
}

export function refundItem(merchantId: string, refund: Refund): Record<string, AttributeValue> {
  return {
    ...refundKey(refund.charge, refund.id),
    entity: { S: 'refund' },
    merchantId: { S: merchantId },
    status: { S: refund.status },
    paymentId: { S: refund.payout },
    object: { S: JSON.stringify(refund) },
    gsi1pk: { S: merchantRefundsPartition(merchantId) },
    gsi1sk: { S: refund.id },
  };
}

const storedRefundSchema = z.object({ object: jsonAttribute(refundSchema) });

export function refundFromItem(item: Record<string, AttributeValue>): Refund {
  return readItem(storedRefundSchema, item).object;
}

/**
 * Adds `amountMinor` to the charge's refund total, on condition that the total before stays at or
 * below `roomMinor` (what the refund may be added to without passing the charge's cap).
 */
export function addToRefundTotalItem(tableName: string, chargeId: string, amountMinor: bigint, roomMinor: bigint, now: Date): TransactWriteItem {
  return {
    Update: {
      TableName: tableName,
      Key: refundTotalKey(chargeId),
      UpdateExpression: 'ADD refunded :amount SET updatedAt = :now',
      ConditionExpression: 'attribute_not_exists(refunded) OR refunded <= :room',
      ExpressionAttributeValues: { ':amount': { N: amountMinor.toString() }, ':room': { N: roomMinor.toString() }, ':now': { S: now.toISOString() } },
    },
  };
}

/** Gives a failed or canceled refund's amount back to the charge's refundable room. */
export function releaseFromRefundTotalItem(tableName: string, chargeId: string, amountMinor: bigint, now: Date): TransactWriteItem {
  return {
    Update: {
      TableName: tableName,
      Key: refundTotalKey(chargeId),
      UpdateExpression: 'ADD refunded :amount SET updatedAt = :now',
      ConditionExpression: 'refunded >= :released',
      ExpressionAttributeValues: { ':amount': { N: (-amountMinor).toString() }, ':released': { N: amountMinor.toString() }, ':now': { S: now.toISOString() } },
    },
  };
}
