import { describe, expect, it } from 'vitest';
import { approvalPolicySchema, mostApprovalsAsked, requiredApprovals } from '#lib/merchants/approvals/policy.js';
import type { Charge, Deposit } from '#lib/money/charges/schemas.js';
import type { PaymentRecord } from '#lib/money/payments/items.js';
import { clearingAccountOf } from '#lib/money/payments/items.js';
import type { Payment } from '#lib/money/payments/schemas.js';
import { refundAmount, refundChain } from '#lib/money/refunds/amount.js';
import { ChargeNotRefundableError, NoExcessError, RefundExceedsChargeError } from '#lib/money/refunds/errors.js';
import { refundFollowItems } from '#lib/money/refunds/follow.js';
import { refundStatusOf, refundView } from '#lib/money/refunds/items.js';
import { createRefundBodySchema, refundSchema } from '#lib/money/refunds/schemas.js';

const deposit = (chain: string, status: Deposit['status'] = 'credited'): Deposit => ({
  id: `dep_${'0'.repeat(26)}`, chain, tx_hash: `0x${'a'.repeat(64)}`, log_index: 0, block_number: 1, block_hash: `0x${'b'.repeat(64)}`,
  amount: '1', confirmations: 3, status, late: false, created_at: '2026-12-07T00:00:00.000Z',
});

function charge(amount: string | null, received: string, deposits: Deposit[] = [deposit('local-a')], chains = ['local-a', 'local-b']): Charge {
  return {
    id: 'ch_01hzzzzzzzzzzzzzzzzzzzzzzz', object: 'charge', status: 'succeeded', amount, asset: 'USDC',
    addresses: chains.map((chain, i) => ({ chain, chain_id: 31337 + i, deposit_address: `0x${String(i).repeat(40)}`, payment_uri: 'ethereum:x' })),
    amount_received: received, amount_pending: '0', fee: '0', flags: [], deposits, deposit_count: deposits.length, dust_count: 0, dust_amount: '0',
    expires_at: null, hosted_url: 'https://x', customer: null, description: null, metadata: {}, created_at: '2026-12-07T00:00:00.000Z', canceled_at: null,
  };
}

describe('refundAmount: what a refund pays back and the room its condition allows', () => {
  it('defaults to all that the charge credited and not yet refunded, with room for exactly that', () => {
    expect(refundAmount(charge('5000000', '5000000'), 1_000_000n, undefined)).toEqual({ amountMinor: 4_000_000n, roomMinor: 1_000_000n });
  });

  it('takes an amount up to what is left, and refuses one unit more with refund_exceeds_charge naming what is left', () => {
    expect(refundAmount(charge('5000000', '5000000'), 1_000_000n, '4000000')).toEqual({ amountMinor: 4_000_000n, roomMinor: 1_000_000n });
    const refused = (() => { try { refundAmount(charge('5000000', '5000000'), 1_000_000n, '4000001'); } catch (e) { return e; } })();
    expect(refused).toBeInstanceOf(RefundExceedsChargeError);
    expect((refused as RefundExceedsChargeError).refundableMinor).toBe(4_000_000n);
  });

  it('refuses a default refund of a charge refunded in full, and any refund of a charge that credited nothing', () => {
    expect(() => refundAmount(charge('5000000', '5000000'), 5_000_000n, undefined)).toThrow(RefundExceedsChargeError);
    expect(() => refundAmount(charge('5000000', '0', []), 0n, undefined)).toThrow(ChargeNotRefundableError);
  });

  it('"excess" is exactly what was paid over the amount, less refunds already made, and its room keeps it inside the excess', () => {
    expect(refundAmount(charge('5000000', '5750000'), 0n, 'excess')).toEqual({ amountMinor: 750_000n, roomMinor: 0n });
    expect(refundAmount(charge('5000000', '5750000'), 250_000n, 'excess')).toEqual({ amountMinor: 500_000n, roomMinor: 250_000n });
  });

  it('refuses "excess" with no_excess on a charge paid exactly, underpaid, refunded past its excess, or a top-up', () => {
    expect(() => refundAmount(charge('5000000', '5000000'), 0n, 'excess')).toThrow(NoExcessError);
    expect(() => refundAmount(charge('5000000', '4000000'), 0n, 'excess')).toThrow(NoExcessError);
    expect(() => refundAmount(charge('5000000', '5750000'), 750_000n, 'excess')).toThrow(NoExcessError);
    expect(() => refundAmount(charge(null, '5750000'), 0n, 'excess')).toThrow(NoExcessError);
  });
});

describe('refundChain: where a refund is paid', () => {
  it('defaults to the chain the first credited deposit came on, not the first chain offered', () => {
    expect(refundChain(charge('1', '1', [deposit('local-b', 'reverted'), deposit('local-b'), deposit('local-a')]), undefined)).toBe('local-b');
  });

  it('takes a chain the charge offered, refuses one it did not, and asks for one when nothing says which', () => {
    expect(refundChain(charge('1', '1'), 'local-b')).toBe('local-b');
    expect(() => refundChain(charge('1', '1'), 'local-c')).toThrow(/not payable on local-c/);
    expect(() => refundChain(charge('1', '1', []), undefined)).toThrow(/say which one/);
    expect(refundChain(charge('1', '1', [], ['local-a']), undefined)).toBe('local-a');
  });
});

const payment: Payment = {
  id: 'pay_01hzzzzzzzzzzzzzzzzzzzzzzz', object: 'payment', status: 'processing', amount: '1000000', amount_captured: '1000000', fee: '2500',
  asset: 'USDC', chain: 'local-a', destination: '0x52908400098527886E0F7030069857D2E4169EE7', capture: 'automatic', customer: null,
  description: null, metadata: {}, created_at: '2026-12-07T00:00:00.000Z', expires_at: null, tx_hash: null, decline_code: null, failure_code: null,
};
const link = { id: 're_01hzzzzzzzzzzzzzzzzzzzzzzz', chargeId: 'ch_01hzzzzzzzzzzzzzzzzzzzzzzz', reason: 'duplicate' };
const record: PaymentRecord = { payment, merchantId: 'mer_1', version: 1, refund: link };
const now = new Date('2026-12-07T01:00:00.000Z');

describe('a refund follows its payout', () => {
  it('maps every payment status to a refund status', () => {
    const expected = { requires_approval: 'requires_approval', authorized: 'pending', processing: 'processing', succeeded: 'succeeded', failed: 'failed', declined: 'failed', canceled: 'canceled', expired: 'canceled' } as const;
    for (const [status, refund] of Object.entries(expected)) expect(refundStatusOf({ status: status as Payment['status'] })).toBe(refund);
  });

  it('shows the payout as the refund, valid against the refund schema', () => {
    const refund = refundView({ ...payment, status: 'succeeded', tx_hash: '0xabc' }, link);
    expect(refundSchema.parse(refund)).toEqual(refund);
    expect(refund).toMatchObject({ id: link.id, charge: link.chargeId, payout: payment.id, status: 'succeeded', tx_hash: '0xabc', reason: 'duplicate', amount: '1000000' });
  });

  it('writes the refund and its event when the status changes, and gives the amount back to the charge when the payout fails', () => {
    const succeeded = refundFollowItems('t', record, { ...payment, status: 'succeeded' }, now);
    expect(succeeded.map((item) => item.Put ? JSON.parse(item.Put.Item!.body?.S ?? '{}').type ?? 'refund' : 'total')).toEqual(['refund', 'refund.succeeded']);
    const failed = refundFollowItems('t', record, { ...payment, status: 'failed', failure_code: 'reverted' }, now);
    expect(failed).toHaveLength(3);
    expect(failed[2]!.Update).toMatchObject({ Key: { pk: { S: `REFUNDTOTAL#${link.chargeId}` } }, ExpressionAttributeValues: { ':amount': { N: '-1000000' } } });
  });

  it('writes nothing for a payment that pays no refund, and books a refund through the refunds clearing account', () => {
    const { refund: _none, ...plain } = record;
    expect(refundFollowItems('t', plain, { ...payment, status: 'succeeded' }, now)).toEqual([]);
    expect(clearingAccountOf(record)).toBe('platform:refunds:USDC');
    expect(clearingAccountOf(plain)).toBe('platform:clearing:USDC');
  });
});

describe('the refund request body', () => {
  it('takes minor units or "excess", and refuses other words, decimals and unknown fields', () => {
    const destination = '0x52908400098527886e0f7030069857d2e4169ee7';
    expect(createRefundBodySchema.parse({ destination, amount: 'excess' }).amount).toBe('excess');
    expect(createRefundBodySchema.parse({ destination }).amount).toBeUndefined();
    expect(createRefundBodySchema.safeParse({ destination, amount: 'all' }).success).toBe(false);
    expect(createRefundBodySchema.safeParse({ destination, amount: '1.5' }).success).toBe(false);
    expect(createRefundBodySchema.safeParse({ destination, claim: true }).success).toBe(false);
  });
});

describe('the approval policy\'s refunds section', () => {
  it('holds refunds at or above its threshold, apart from the payouts threshold, and counts towards the members needed', () => {
    const policy = approvalPolicySchema.parse({ payouts: { at_or_above: '1000000000', approvals: 1 }, refunds: { at_or_above: '5000000', approvals: 2 } });
    expect(requiredApprovals(policy, { kind: 'refund', amountMinor: 5_000_000n, asset: 'USDC' })).toMatchObject({ approvals: 2, rule: 'refunds.at_or_above' });
    expect(requiredApprovals(policy, { kind: 'refund', amountMinor: 4_999_999n, asset: 'USDC' }).approvals).toBe(0);
    expect(requiredApprovals(policy, { kind: 'payout', amountMinor: 5_000_000n, asset: 'USDC' }).approvals).toBe(0);
    expect(requiredApprovals(approvalPolicySchema.parse({}), { kind: 'refund', amountMinor: 10n ** 20n, asset: 'USDC' }).approvals).toBe(0);
    expect(mostApprovalsAsked(policy)).toBe(2);
  });
});
