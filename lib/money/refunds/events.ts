import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { outboxEventItem, type OutboxEvent } from '#merchants';
import type { Refund, RefundStatus } from './schemas.js';

/** Events about refunds; each carries the refund as it stood after the change. */
export const refundEventTypes = [
  'refund.created', 'refund.requires_approval', 'refund.processing', 'refund.succeeded', 'refund.failed', 'refund.canceled',
] as const;
export type RefundEventType = (typeof refundEventTypes)[number];

/** The event reporting that a refund reached `status`; none for `pending`, which `refund.created` reports. */
export function refundStatusEventType(status: RefundStatus): RefundEventType | undefined {
  return status === 'pending' ? undefined : `refund.${status}`;
}

/** The outbox for refund events, written in the transaction of the change (the refund's or its payout's). */
export function refundEventItem(
  tableName: string, merchantId: string, type: RefundEventType, refund: Refund, now: Date,
): { item: TransactWriteItem; event: OutboxEvent<RefundEventType, Refund> } {
  return outboxEventItem(tableName, merchantId, type, refund, { refundId: { S: refund.id }, chargeId: { S: refund.charge }, paymentId: { S: refund.payout } }, now);
}
