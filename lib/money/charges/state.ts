import { feeFor, type MerchantProfile } from '#merchants';
import type { ChargeEventType } from './events.js';
import { embeddedDepositsMax, type Charge, type ChargeFlag, type ChargeStatus, type Deposit } from './schemas.js';

/**
 * The charge as a function of what its deposits add up to: pure, so every writer (watcher, expiry
 * sweep) derives the same status, flags and totals, and "status follows the money" is testable
 * alone. Deposits are items of their own; the charge keeps only their sums and counts (and a copy
 * of the first few), so its size never grows with the transfers sent to its address.
 */

/** The charge and what it keeps of its deposits that merchants do not see. */
export interface ChargeState {
  charge: Charge;
  /** Deposits that arrived after the charge closed and were not reverted: the `late` flag. */
  lateDeposits: number;
}

/** The charge can no longer be paid on time: canceled, or past its expiry. */
export function isClosed(charge: Charge, now: Date): boolean {
  return charge.canceled_at !== null || (charge.expires_at !== null && now.getTime() >= Date.parse(charge.expires_at));
}

export function deriveStatus(charge: Charge, now: Date): ChargeStatus {
  const received = BigInt(charge.amount_received);
  const pending = BigInt(charge.amount_pending);
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

function deriveFlags(charge: Charge, lateDeposits: number, now: Date): ChargeFlag[] {
  const received = BigInt(charge.amount_received);
  const amount = charge.amount === null ? null : BigInt(charge.amount);
  const flags: ChargeFlag[] = [];
  if (amount !== null && received > 0n && received < amount && isClosed(charge, now)) flags.push('underpaid');
  if (amount !== null && received > amount) flags.push('overpaid');
  if (lateDeposits > 0) flags.push('late');
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

export interface ChargeChange extends ChargeState {
  /** The deposit as it is after the change, when the change is a deposit's. */
  deposit?: Deposit;
  /** The event to write with the change, if the change is one merchants hear about. */
  event?: ChargeEventType;
  /** Fee taken by a credit (ledger minor units). */
  feeMinor: bigint;
}

export function sameDeposit(a: Pick<Deposit, 'chain' | 'tx_hash' | 'log_index'>, b: Pick<Deposit, 'chain' | 'tx_hash' | 'log_index'>): boolean {
  return a.chain === b.chain && a.tx_hash.toLowerCase() === b.tx_hash.toLowerCase() && a.log_index === b.log_index;
}

/** What one deposit adds to its charge's sums and late count. */
function share(deposit: Deposit | undefined) {
  const amount = deposit ? BigInt(deposit.amount) : 0n;
  return {
    received: deposit?.status === 'credited' ? amount : 0n,
    pending: deposit?.status === 'pending' ? amount : 0n,
    late: deposit && deposit.late && deposit.status !== 'reverted' ? 1 : 0,
  };
}

/** The embedded copy: the first `embeddedDepositsMax` deposits, each kept up to date. */
function embed(deposits: Deposit[], deposit: Deposit): Deposit[] {
  if (deposits.some((d) => sameDeposit(d, deposit))) return deposits.map((d) => (sameDeposit(d, deposit) ? deposit : d));
  return deposits.length < embeddedDepositsMax ? [...deposits, deposit] : deposits;
}

/** The charge with one deposit replaced (`before` → `after`): sums, counts, status and flags re-derived. */
function replaceDeposit(state: ChargeState, before: Deposit | undefined, after: Deposit, now: Date): ChargeState {
  const [was, is] = [share(before), share(after)];
  const totals: Charge = {
    ...state.charge,
    deposits: embed(state.charge.deposits, after),
    deposit_count: state.charge.deposit_count + (before ? 0 : 1),
    amount_received: (BigInt(state.charge.amount_received) - was.received + is.received).toString(),
    amount_pending: (BigInt(state.charge.amount_pending) - was.pending + is.pending).toString(),
  };
  const lateDeposits = state.lateDeposits - was.late + is.late;
  return { charge: { ...totals, status: deriveStatus(totals, now), flags: deriveFlags(totals, lateDeposits, now) }, lateDeposits };
}

/** What the watcher saw of a transfer: the deposit without its bookkeeping. */
export type SeenDeposit = Omit<Deposit, 'id' | 'status' | 'late' | 'created_at'>;

/**
 * A transfer to the charge's address was seen on chain (not final). Late if the charge was already
 * closed. `previous` is the same transfer recorded before in another block (re-mined after a
 * reorg): it is moved, keeping its id; `newDepositId` names a transfer seen for the first time.
 */
export function depositSeen(state: ChargeState, previous: Deposit | undefined, seen: SeenDeposit, newDepositId: string, now: Date): ChargeChange {
  const deposit: Deposit = {
    ...seen, id: previous?.id ?? newDepositId, status: 'pending', late: isClosed(state.charge, now), created_at: previous?.created_at ?? now.toISOString(),
  };
  const next = replaceDeposit(state, previous, deposit, now);
  const changed = next.charge.status !== state.charge.status && eventByStatus[next.charge.status];
  return { ...next, deposit, ...(changed ? { event: eventByStatus[next.charge.status]! } : {}), feeMinor: 0n };
}

/**
 * A deposit reached the chain's confirmation depth on a block still canonical: it is credited, less
 * the merchant's fee. The fee is taken on the running total (fee(total) − fees so far), so a charge
 * paid in several transfers costs the merchant what one transfer would; it never exceeds the deposit.
 */
export function depositCredited(state: ChargeState, target: Deposit, confirmations: number, fee: MerchantProfile['fee'], now: Date): ChargeChange {
  if (target.status !== 'pending') throw new Error(`deposit ${target.tx_hash}:${target.log_index} of ${state.charge.id} is not pending`);
  const amount = BigInt(target.amount);
  const feeSoFar = BigInt(state.charge.fee);
  const owed = feeFor({ fee }, BigInt(state.charge.amount_received) + amount) - feeSoFar;
  const feeMinor = owed < 0n ? 0n : owed > amount ? amount : owed;
  const deposit: Deposit = { ...target, status: 'credited', confirmations };
  const next = replaceDeposit(state, target, deposit, now);
  const charge = { ...next.charge, fee: (feeSoFar + feeMinor).toString() };
  const event = eventByStatus[charge.status];
  return { charge, lateDeposits: next.lateDeposits, deposit, ...(event && charge.status !== 'pending' ? { event } : {}), feeMinor };
}

/** A seen deposit's block left the canonical chain before it was final: dropped, never credited. */
export function depositReverted(state: ChargeState, target: Deposit, now: Date): ChargeChange {
  const deposit: Deposit = target.status === 'pending' ? { ...target, status: 'reverted' } : target;
  return { ...replaceDeposit(state, target, deposit, now), deposit, event: 'charge.deposit_reverted', feeMinor: 0n };
}

/**
 * Transfers below the merchant's minimum deposit: counted and summed on the charge, nothing else.
 * No status change, no event, nothing credited: a flood of them costs the charge two numbers.
 */
export function dustSeen(state: ChargeState, count: number, amountMinor: bigint): ChargeChange {
  const charge = { ...state.charge, dust_count: state.charge.dust_count + count, dust_amount: (BigInt(state.charge.dust_amount) + amountMinor).toString() };
  return { charge, lateDeposits: state.lateDeposits, feeMinor: 0n };
}

/** The expiry sweep: an open charge past its time with nothing in flight closes (crediting happened as deposits finalised). */
export function chargeExpired(state: ChargeState, now: Date): ChargeChange | undefined {
  const { charge } = state;
  if (!isClosed(charge, now) || BigInt(charge.amount_pending) > 0n) return undefined;
  const status = deriveStatus(charge, now);
  if (status === charge.status) return undefined;
  return { charge: { ...charge, status, flags: deriveFlags(charge, state.lateDeposits, now) }, lateDeposits: state.lateDeposits, event: 'charge.expired', feeMinor: 0n };
}
