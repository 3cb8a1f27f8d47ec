import { describe, expect, it } from 'vitest';
import { embeddedDepositsMax, type Charge } from '#lib/money/charges/schemas.js';
import { chargeExpired, depositCredited, depositReverted, depositSeen, dustSeen, type ChargeChange, type ChargeState } from '#lib/money/charges/state.js';

const t0 = new Date('2026-11-26T12:00:00.000Z');
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const noFee = { bps: 0, fixedMinor: '0' };

function charge(amount: string | null, expiresAt: string | null = later(30).toISOString()): ChargeState {
  const fresh: Charge = {
    id: 'ch_01jabcdefghjkmnpqrstvwxyz0', object: 'charge', status: 'awaiting_payment', amount, asset: 'USDC', addresses: [],
    amount_received: '0', amount_pending: '0', fee: '0', flags: [], deposits: [], deposit_count: 0, dust_count: 0, dust_amount: '0', expires_at: expiresAt,
    hosted_url: 'http://x/checkout/ch', customer: null, description: null, metadata: {}, created_at: t0.toISOString(), canceled_at: null,
  };
  return { charge: fresh, lateDeposits: 0 };
}

let nextLog = 0;
function transfer(amount: string, block = 10) {
  nextLog += 1;
  return { chain: 'local-a', tx_hash: `0x${String(nextLog).padStart(64, '0')}`, log_index: 0, block_number: block, block_hash: `0x${'b'.repeat(64)}`, amount, confirmations: 0 };
}
const depositId = () => `dep_${String(nextLog).padStart(26, '0')}`;

/** Seen as a first-time transfer. */
function seen(state: ChargeState, amount: string, now: Date): ChargeChange {
  return depositSeen(state, undefined, transfer(amount), depositId(), now);
}

describe('charge state follows its deposits', () => {
  it('an exact payment goes awaiting_payment → pending → succeeded, with one event each', () => {
    const a = seen(charge('1000000'), '1000000', later(1));
    expect(a.charge.status).toBe('pending');
    expect(a.event).toBe('charge.pending');
    expect(a.deposit).toMatchObject({ status: 'pending', late: false, amount: '1000000' });
    const b = depositCredited(a, a.deposit!, 1, noFee, later(2));
    expect(b.charge.status).toBe('succeeded');
    expect(b.event).toBe('charge.succeeded');
    expect(b.charge.amount_received).toBe('1000000');
    expect(b.charge.amount_pending).toBe('0');
    expect(b.charge.flags).toEqual([]);
    expect(b.charge.deposit_count).toBe(1);
    expect(b.charge.deposits).toEqual([{ ...a.deposit!, status: 'credited', confirmations: 1 }]);
  });

  it('two transfers add up to the amount, and the fee is taken on the total once (fixed part once)', () => {
    const fee = { bps: 100, fixedMinor: '5000' };
    const d1 = seen(charge('1000000'), '600000', later(1));
    const d2 = seen(d1, '400000', later(1));
    const first = depositCredited(d2, d1.deposit!, 1, fee, later(2));
    expect(first.charge.status).toBe('pending');
    expect(first.event).toBeUndefined();
    const second = depositCredited(first, d2.deposit!, 1, fee, later(2));
    expect(second.charge.status).toBe('succeeded');
    expect(first.feeMinor + second.feeMinor).toBe(1_000_000n / 100n + 5000n);
    expect(second.charge.fee).toBe('15000');
    expect(second.charge.deposit_count).toBe(2);
  });

  it('a final total below the amount is underpaid, then expired and flagged underpaid', () => {
    const d = seen(charge('1000000'), '400000', later(1));
    const credited = depositCredited(d, d.deposit!, 1, noFee, later(2));
    expect(credited.charge.status).toBe('underpaid');
    expect(credited.event).toBe('charge.underpaid');
    expect(chargeExpired(credited, later(10))).toBeUndefined();
    const expired = chargeExpired(credited, later(31))!;
    expect(expired.charge.status).toBe('expired');
    expect(expired.charge.flags).toEqual(['underpaid']);
    expect(expired.charge.amount_received).toBe('400000');
  });

  it('more than the amount is overpaid: credited in full and flagged', () => {
    const d = seen(charge('1000000'), '1500000', later(1));
    const c = depositCredited(d, d.deposit!, 1, noFee, later(2));
    expect(c.charge.status).toBe('overpaid');
    expect(c.charge.flags).toEqual(['overpaid']);
    expect(c.charge.amount_received).toBe('1500000');
    expect(c.event).toBe('charge.succeeded');
  });

  it('a payment after expiry is credited and flagged late', () => {
    const expired = chargeExpired(charge('1000000'), later(31))!;
    expect(expired.charge.status).toBe('expired');
    const a = seen(expired, '1000000', later(40));
    expect(a.deposit!.late).toBe(true);
    expect(a.lateDeposits).toBe(1);
    expect(a.charge.status).toBe('expired');
    const b = depositCredited(a, a.deposit!, 1, noFee, later(41));
    expect(b.charge.status).toBe('succeeded');
    expect(b.charge.flags).toEqual(['late']);
    expect(b.charge.amount_received).toBe('1000000');
  });

  it('a late deposit that is reverted takes its late flag away', () => {
    const expired = chargeExpired(charge('1000000'), later(31))!;
    const a = seen(expired, '1000000', later(40));
    expect(a.charge.flags).toEqual(['late']);
    const r = depositReverted(a, a.deposit!, later(41));
    expect(r.lateDeposits).toBe(0);
    expect(r.charge.flags).toEqual([]);
    expect(r.charge.status).toBe('expired');
  });

  it('a top-up takes any amount and stays open: each credit is a charge.succeeded', () => {
    const d1 = seen(charge(null, null), '123', later(1));
    const first = depositCredited(d1, d1.deposit!, 1, noFee, later(2));
    expect(first.charge.status).toBe('succeeded');
    expect(first.event).toBe('charge.succeeded');
    const pending = seen(first, '77', later(3000));
    expect(pending.charge.status).toBe('pending');
    expect(pending.deposit!.late).toBe(false);
    const second = depositCredited(pending, pending.deposit!, 1, noFee, later(3001));
    expect(second.charge.amount_received).toBe('200');
    expect(second.event).toBe('charge.succeeded');
  });

  it('a reverted deposit is dropped: nothing received, back to awaiting_payment, charge.deposit_reverted', () => {
    const d = seen(charge('1000000'), '1000000', later(1));
    const r = depositReverted(d, d.deposit!, later(2));
    expect(r.charge.status).toBe('awaiting_payment');
    expect(r.charge.amount_received).toBe('0');
    expect(r.charge.amount_pending).toBe('0');
    expect(r.deposit!.status).toBe('reverted');
    expect(r.charge.deposits[0]!.status).toBe('reverted');
    expect(r.event).toBe('charge.deposit_reverted');
    expect(() => depositCredited(r, r.deposit!, 1, noFee, later(3))).toThrow(/not pending/);
  });

  it('a transfer re-mined in another block after a reorg is moved, keeping its id, and counted once', () => {
    const first = transfer('1000000', 10);
    const a = depositSeen(charge('1000000'), undefined, first, 'dep_aaaaaaaaaaaaaaaaaaaaaaaaaa', later(1));
    const moved = depositSeen(a, a.deposit!, { ...first, block_number: 12, block_hash: `0x${'e'.repeat(64)}` }, 'dep_bbbbbbbbbbbbbbbbbbbbbbbbbb', later(2));
    expect(moved.deposit).toMatchObject({ id: 'dep_aaaaaaaaaaaaaaaaaaaaaaaaaa', block_number: 12, created_at: a.deposit!.created_at });
    expect(moved.charge).toMatchObject({ deposit_count: 1, amount_pending: '1000000', status: 'pending' });
    expect(moved.charge.deposits).toHaveLength(1);
  });

  it('a fee larger than a tiny deposit takes the deposit, never more', () => {
    const d = seen(charge(null, null), '10', later(1));
    const c = depositCredited(d, d.deposit!, 1, { bps: 0, fixedMinor: '5000' }, later(2));
    expect(c.feeMinor).toBe(10n);
  });
});

describe('a charge stays small whatever reaches its address', () => {
  it('carries the first deposits only, while counts and sums cover them all', () => {
    let state: ChargeState = charge(null, null);
    for (let i = 0; i < embeddedDepositsMax + 5; i += 1) {
      const s = seen(state, '20000', later(1));
      state = depositCredited(s, s.deposit!, 1, noFee, later(2));
    }
    expect(state.charge.deposits).toHaveLength(embeddedDepositsMax);
    expect(state.charge.deposit_count).toBe(embeddedDepositsMax + 5);
    expect(state.charge.amount_received).toBe(String(20_000 * (embeddedDepositsMax + 5)));
  });

  it('counts dust without changing status, totals or deposits, and without an event', () => {
    const before = charge('1000000');
    const after = dustSeen(dustSeen(before, 1_500, 1_500n), 500, 0n);
    expect(after.charge).toEqual({ ...before.charge, dust_count: 2_000, dust_amount: '1500' });
    expect(after.event).toBeUndefined();
    expect(after.feeMinor).toBe(0n);
  });
});
