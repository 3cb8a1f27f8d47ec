import type { ChargeEventType } from '../events/schemas.js';
import { feeFor, type MerchantProfile } from '../merchants/profile.js';
import type { Charge, ChargeFlag, ChargeStatus, Deposit } from './schemas.js';

/**
 * The charge as a function of its deposits: pure, so every writer (watcher, expiry sweep) derives
 * the same status, flags and totals, and the property "status follows the money" is testable alone.
 */

/** The charge can no longer be paid on time: canceled, or past its expiry. */
export function isClosed(charge: Charge, now: Date): boolean {
  return charge.canceled_at !== null || (charge.expires_at !== null && now.getTime() >= Date.parse(charge.expires_at));
}

function sum(deposits: Deposit[], status: Deposit['status']): bigint {
  return deposits.filter((d) => d.status === status).reduce((total, d) => total + BigInt(d.amount), 0n);
}

export function deriveStatus(charge: Charge, deposits: Deposit[], now: Date): ChargeStatus {
  const received = sum(deposits, 'credited');
  const pending = sum(deposits, 'pending');
  const closed = isClosed(charge, now);
  const amount = charge.amount === null ? null : BigInt(charge.amount);
  if (amount !== null && received > amount) return 'overpaid';
  if (amount !== null && received === amount) return 'succeeded';
  if (amount === null && received > 0n && pending === 0n) return 'succeeded';
  if (pending > 0n && (!closed || amount === null)) return 'pending';
  if (pending > 0n) return charge.status; // late money in flight to a closed charge: it stays as it was until final
  if (received > 0n) return closed && amount !== null ? 'expired' : 'underpaid';
  return charge.canceled_at !== null ? 'canceled' : closed ? 'expired' : 'awaiting_payment';
}

function deriveFlags(charge: Charge, deposits: Deposit[], now: Date): ChargeFlag[] {
  const received = sum(deposits, 'credited');
  const amount = charge.amount === null ? null : BigInt(charge.amount);
  const flags: ChargeFlag[] = [];
  if (amount !== null && received > 0n && received < amount && isClosed(charge, now)) flags.push('underpaid');
  if (amount !== null && received > amount) flags.push('overpaid');
  if (deposits.some((d) => d.late && d.status !== 'reverted')) flags.push('late');
  return flags;
}

const eventByStatus: Partial<Record<ChargeStatus, ChargeEventType>> = {
  pending: 'charge.pending',
  succeeded: 'charge.succeeded',
  overpaid: 'charge.succeeded',
  underpaid: 'charge.underpaid',
  expired: 'charge.expired',
  canceled: 'charge.canceled',
};

export interface ChargeChange {
  charge: Charge;
  /** The event to write with the change, if the change is one merchants hear about. */
  event?: ChargeEventType;
  /** Fee taken by a credit (ledger minor units). */
  feeMinor: bigint;
}

/** The charge with `deposits` in place of its own, totals, status and flags re-derived. */
function rebuild(charge: Charge, deposits: Deposit[], now: Date): Charge {
  return {
    ...charge,
    deposits,
    status: deriveStatus(charge, deposits, now),
    flags: deriveFlags(charge, deposits, now),
    amount_received: sum(deposits, 'credited').toString(),
    amount_pending: sum(deposits, 'pending').toString(),
  };
}

export function sameDeposit(a: Pick<Deposit, 'chain' | 'tx_hash' | 'log_index'>, b: Pick<Deposit, 'chain' | 'tx_hash' | 'log_index'>): boolean {
  return a.chain === b.chain && a.tx_hash.toLowerCase() === b.tx_hash.toLowerCase() && a.log_index === b.log_index;
}

/** A transfer to the charge's address was seen on chain (not final). Late if the charge was already closed. */
export function depositSeen(charge: Charge, seen: Omit<Deposit, 'status' | 'late' | 'created_at'>, now: Date): ChargeChange {
  const deposit: Deposit = { ...seen, status: 'pending', late: isClosed(charge, now), created_at: now.toISOString() };
  const deposits = [...charge.deposits.filter((d) => !sameDeposit(d, seen)), deposit];
  const next = rebuild(charge, deposits, now);
  return { charge: next, ...(next.status !== charge.status && eventByStatus[next.status] ? { event: eventByStatus[next.status]! } : {}), feeMinor: 0n };
}

/**
 * A deposit reached the chain's confirmation depth on a block still canonical: it is credited, less
 * the merchant's fee. The fee is taken on the running total (fee(total) − fees so far), so a charge
 * paid in several transfers costs the merchant what one transfer would; it never exceeds the deposit.
 */
export function depositCredited(charge: Charge, key: Pick<Deposit, 'chain' | 'tx_hash' | 'log_index'>, confirmations: number, fee: MerchantProfile['fee'], now: Date): ChargeChange {
  const target = charge.deposits.find((d) => sameDeposit(d, key));
  if (!target || target.status !== 'pending') throw new Error(`deposit ${key.tx_hash}:${key.log_index} of ${charge.id} is not pending`);
  const amount = BigInt(target.amount);
  const receivedBefore = BigInt(charge.amount_received);
  const feeSoFar = BigInt(charge.fee);
  const owed = feeFor({ fee }, receivedBefore + amount) - feeSoFar;
  const feeMinor = owed < 0n ? 0n : owed > amount ? amount : owed;
  const deposits = charge.deposits.map((d) => (sameDeposit(d, key) ? { ...d, status: 'credited' as const, confirmations } : d));
  const next = { ...rebuild(charge, deposits, now), fee: (feeSoFar + feeMinor).toString() };
  const event = eventByStatus[next.status];
  return { charge: next, ...(event && next.status !== 'pending' ? { event } : {}), feeMinor };
}

/** A seen deposit's block left the canonical chain before it was final: dropped, never credited. */
export function depositReverted(charge: Charge, key: Pick<Deposit, 'chain' | 'tx_hash' | 'log_index'>, now: Date): ChargeChange {
  const deposits = charge.deposits.map((d) => (sameDeposit(d, key) && d.status === 'pending' ? { ...d, status: 'reverted' as const } : d));
  return { charge: rebuild(charge, deposits, now), event: 'charge.deposit_reverted', feeMinor: 0n };
}

/** The expiry sweep: an open charge past its time with nothing in flight closes (crediting happened as deposits finalised). */
export function chargeExpired(charge: Charge, now: Date): ChargeChange | undefined {
  if (!isClosed(charge, now) || BigInt(charge.amount_pending) > 0n) return undefined;
  const next = rebuild(charge, charge.deposits, now);
  if (next.status === charge.status) return undefined;
  return { charge: next, event: 'charge.expired', feeMinor: 0n };
}
