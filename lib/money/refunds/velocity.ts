import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { utcDay, velocityItem, velocityKey } from '../payments/velocity.js';

/** A refund's daily counters: the merchant's always, the destination's once there is one. */
export interface RefundVelocityItems {
  merchant: TransactWriteItem;
  destination: TransactWriteItem | undefined;
}

/**
 * The daily velocity counters a refund adds to, as a payout's (lib/money/payments/authorize.ts). A
 * claim refund has no destination when it is created: its merchant counter is added then, its
 * destination counter by its claim (`destinationVelocityItem`), to the address claimed.
 */
export function refundVelocityItems(
  tableName: string, refund: { merchantId: string; asset: string; destination: string | null }, amountMinor: bigint,
  limits: { merchantDailyLimitMinor: bigint; destinationDailyLimitMinor: bigint }, now: Date,
): RefundVelocityItems {
  const parts = { ...refund, destination: refund.destination ?? '', day: utcDay(now) };
  return {
    merchant: velocityItem(tableName, velocityKey('merchant', parts), amountMinor, limits.merchantDailyLimitMinor, now),
    destination: refund.destination === null ? undefined : destinationVelocityItem(tableName, { ...refund, destination: refund.destination }, amountMinor, limits.destinationDailyLimitMinor, now),
  };
}

export function destinationVelocityItem(
  tableName: string, refund: { merchantId: string; asset: string; destination: string }, amountMinor: bigint, limitMinor: bigint, now: Date,
): TransactWriteItem {
  return velocityItem(tableName, velocityKey('destination', { ...refund, day: utcDay(now) }), amountMinor, limitMinor, now);
}
