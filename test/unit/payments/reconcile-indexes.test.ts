import { describe, expect, it } from 'vitest';
import { unrelayedEventPartitions } from '#lib/merchants/events.js';
import { paymentEventItem } from '#lib/money/payments/events.js';
import { paymentItem, processingIndexPartitions, type PaymentRecord } from '#lib/money/payments/items.js';
import type { Payment } from '#lib/money/payments/schemas.js';

const payment: Payment = {
  id: 'pay_01m8c0esfj0000000000000000', object: 'payment', status: 'processing', amount: '1000000', amount_captured: '1000000', fee: '0',
  asset: 'USDC', chain: 'local-a', destination: '0x52908400098527886E0F7030069857D2E4169EE7', capture: 'automatic', customer: null,
  description: null, metadata: {}, created_at: '2026-11-26T16:00:00.000Z', expires_at: null, tx_hash: null, decline_code: null, failure_code: null,
};
const record = (p: Payment): PaymentRecord => ({ payment: p, merchantId: 'mer_01m8c0esfj0000000000000000', version: 1 });

describe('the reconciler\'s sparse indexes', () => {
  it('lists a processing payment under a PROCESSING shard sorted by creation time, and drops it once final', () => {
    const item = paymentItem(record(payment));
    expect(processingIndexPartitions()).toContain(item.gsi2pk?.S);
    expect(item.gsi2sk?.S).toBe(`${payment.created_at}#${payment.id}`);
    expect(paymentItem(record({ ...payment, status: 'succeeded' })).gsi2pk).toBeUndefined();
  });

  it('writes every outbox event into an OUTBOX shard sorted by creation time', () => {
    const { item, event } = paymentEventItem('t', 'mer_01m8c0esfj0000000000000000', 'payment.processing', payment, new Date('2026-11-26T16:00:01Z'));
    expect(unrelayedEventPartitions()).toContain(item.Put!.Item!.gsi2pk?.S);
    expect(item.Put!.Item!.gsi2sk?.S).toBe(`2026-11-26T16:00:01.000Z#${event.id}`);
  });
});
