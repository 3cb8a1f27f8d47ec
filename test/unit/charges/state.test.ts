import { describe, expect, it } from 'vitest';
import type { Charge } from '../../../lib/charges/schemas.js';
import { chargeExpired, depositCredited, depositReverted, depositSeen } from '../../../lib/charges/state.js';

const t0 = new Date('2026-11-26T12:00:00.000Z');
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const noFee = { bps: 0, fixedMinor: '0' };

function charge(amount: string | null, expiresAt: string | null = later(30).toISOString()): Charge {
  return {
    id: 'ch_01jabcdefghjkmnpqrstvwxyz0', object: 'charge', status: 'awaiting_payment', amount, asset: 'USDC', addresses: [],
    amount_received: '0', amount_pending: '0', fee: '0', flags: [], deposits: [], expires_at: expiresAt,
    hosted_url: 'http://x/checkout/ch', customer: null, description: null, metadata: {}, created_at: t0.toISOString(), canceled_at: null,
  };
}

let nextLog = 0;
function seen(amount: string, block = 10) {
  nextLog += 1;
  return { chain: 'local-a', tx_hash: `0x${String(nextLog).padStart(64, '0')}`, log_index: 0, block_number: block, block_hash: `0x${'b'.repeat(64)}`, amount, confirmations: 0 };
}

describe('charge state follows its deposits', () => {
  it('an exact payment goes awaiting_payment → pending → succeeded, with one event each', () => {
    const d = seen('1000000');
    const a = depositSeen(charge('1000000'), d, later(1));
    expect(a.charge.status).toBe('pending');
    expect(a.event).toBe('charge.pending');
    const b = depositCredited(a.charge, d, 1, noFee, later(2));
    expect(b.charge.status).toBe('succeeded');
    expect(b.event).toBe('charge.succeeded');
    expect(b.charge.amount_received).toBe('1000000');
    expect(b.charge.amount_pending).toBe('0');
    expect(b.charge.flags).toEqual([]);
  });

  it('two transfers add up to the amount, and the fee is taken on the total once (fixed part once)', () => {
    const fee = { bps: 100, fixedMinor: '5000' };
    const d1 = seen('600000');
    const d2 = seen('400000');
    let c = depositSeen(charge('1000000'), d1, later(1)).charge;
    c = depositSeen(c, d2, later(1)).charge;
    const first = depositCredited(c, d1, 1, fee, later(2));
    expect(first.charge.status).toBe('pending');
    expect(first.event).toBeUndefined();
    const second = depositCredited(first.charge, d2, 1, fee, later(2));
    expect(second.charge.status).toBe('succeeded');
    expect(first.feeMinor + second.feeMinor).toBe(1_000_000n / 100n + 5000n);
    expect(second.charge.fee).toBe('15000');
  });

  it('a final total below the amount is underpaid, then expired and flagged underpaid', () => {
    const d = seen('400000');
    const credited = depositCredited(depositSeen(charge('1000000'), d, later(1)).charge, d, 1, noFee, later(2));
    expect(credited.charge.status).toBe('underpaid');
    expect(credited.event).toBe('charge.underpaid');
    expect(chargeExpired(credited.charge, later(10))).toBeUndefined();
    const expired = chargeExpired(credited.charge, later(31))!;
    expect(expired.charge.status).toBe('expired');
    expect(expired.charge.flags).toEqual(['underpaid']);
    expect(expired.charge.amount_received).toBe('400000');
  });

  it('more than the amount is overpaid: credited in full and flagged', () => {
    const d = seen('1500000');
    const c = depositCredited(depositSeen(charge('1000000'), d, later(1)).charge, d, 1, noFee, later(2));
    expect(c.charge.status).toBe('overpaid');
    expect(c.charge.flags).toEqual(['overpaid']);
    expect(c.charge.amount_received).toBe('1500000');
    expect(c.event).toBe('charge.succeeded');
  });

  it('a payment after expiry is credited and flagged late', () => {
    const expired = chargeExpired(charge('1000000'), later(31))!;
    expect(expired.charge.status).toBe('expired');
    const d = seen('1000000');
    const a = depositSeen(expired.charge, d, later(40));
    expect(a.charge.deposits[0]!.late).toBe(true);
    expect(a.charge.status).toBe('expired');
    const b = depositCredited(a.charge, d, 1, noFee, later(41));
    expect(b.charge.status).toBe('succeeded');
    expect(b.charge.flags).toEqual(['late']);
    expect(b.charge.amount_received).toBe('1000000');
  });

  it('a top-up takes any amount and stays open: each credit is a charge.succeeded', () => {
    const d1 = seen('123');
    const first = depositCredited(depositSeen(charge(null, null), d1, later(1)).charge, d1, 1, noFee, later(2));
    expect(first.charge.status).toBe('succeeded');
    expect(first.event).toBe('charge.succeeded');
    const d2 = seen('77');
    const pending = depositSeen(first.charge, d2, later(3000));
    expect(pending.charge.status).toBe('pending');
    expect(pending.charge.deposits[1]!.late).toBe(false);
    const second = depositCredited(pending.charge, d2, 1, noFee, later(3001));
    expect(second.charge.amount_received).toBe('200');
    expect(second.event).toBe('charge.succeeded');
  });

  it('a reverted deposit is dropped: nothing received, back to awaiting_payment, charge.deposit_reverted', () => {
    const d = seen('1000000');
    const r = depositReverted(depositSeen(charge('1000000'), d, later(1)).charge, d, later(2));
    expect(r.charge.status).toBe('awaiting_payment');
    expect(r.charge.amount_received).toBe('0');
    expect(r.charge.amount_pending).toBe('0');
    expect(r.charge.deposits[0]!.status).toBe('reverted');
    expect(r.event).toBe('charge.deposit_reverted');
    expect(() => depositCredited(r.charge, d, 1, noFee, later(3))).toThrow(/not pending/);
  });

  it('a fee larger than a tiny deposit takes the deposit, never more', () => {
    const d = seen('10');
    const c = depositCredited(depositSeen(charge(null, null), d, later(1)).charge, d, 1, { bps: 0, fixedMinor: '5000' }, later(2));
    expect(c.feeMinor).toBe(10n);
  });
});
