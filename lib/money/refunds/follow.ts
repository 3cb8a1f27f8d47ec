import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { PaymentRecord } from '../payments/items.js';
import type { Payment } from '../payments/schemas.js';
import { refundEventItem, refundStatusEventType } from './events.js';
import { refundItem, refundStatusOf, refundView, releaseFromRefundTotalItem } from './items.js';

/**
 * What a change of a refund's payout does to the refund, in the payout's own transaction: the
 * refund item rewritten from the payout, its `refund.*` event when its status changes, and, when
 * the payout fails or is canceled, its amount given back to the charge's refundable room. Nothing
 * for a payment that pays no refund. Every change of a payout's status calls this (authorize's
 * twin lib/money/refunds/create.ts, settle's cancel of a held payout, approvals' decision, the
 * payout's completion or failure on chain).
 */
export function refundFollowItems(tableName: string, record: PaymentRecord, next: Payment, now: Date): TransactWriteItem[] {
  if (!record.refund) return [];
  const before = refundStatusOf(record.payment);
  const refund = refundView(next, record.refund);
  const items: TransactWriteItem[] = [{
    Put: { TableName: tableName, Item: refundItem(record.merchantId, refund), ConditionExpression: 'attribute_exists(pk)' },
  }];
  const type = refundStatusEventType(refund.status);
  if (refund.status !== before && type) items.push(refundEventItem(tableName, record.merchantId, type, refund, now).item);
  const released = (refund.status === 'failed' || refund.status === 'canceled') && before !== 'failed' && before !== 'canceled';
  if (released) items.push(releaseFromRefundTotalItem(tableName, record.refund.chargeId, BigInt(next.amount), now));
  return items;
}
