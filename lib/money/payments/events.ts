import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { outboxEventItem, type OutboxEvent } from '#merchants';
import type { Payment } from './schemas.js';

/** Events about payments; each carries the payment as it stood after the change. */
export const paymentEventTypes = [
  'payment.authorized', 'payment.declined', 'payment.processing', 'payment.succeeded',
  'payment.failed', 'payment.canceled', 'payment.expired', 'payment.requires_approval',
] as const;
export type PaymentEventType = (typeof paymentEventTypes)[number];

/**
 * The event that books a payout: `payment.succeeded` is written when the transfer is confirmed
 * on chain, so failed or replaced transactions never count, and its amount is what left the wallet.
 * The outbox relay sends it to the flow totals of the forecast job (lib/treasury/flows/flow-totals.ts).
 */
export const bookedPayoutEventType = 'payment.succeeded' satisfies PaymentEventType;

/** The outbox: a payment event, written in the same transaction as the change it reports. */
export function paymentEventItem(
  tableName: string, merchantId: string, type: PaymentEventType, payment: Payment, now: Date,
): { item: TransactWriteItem; event: OutboxEvent<PaymentEventType, Payment> } {
  return outboxEventItem(tableName, merchantId, type, payment, { paymentId: { S: payment.id }, chain: { S: payment.chain } }, now);
}
