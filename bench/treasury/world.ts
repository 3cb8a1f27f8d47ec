// The simulated world of `npm run bench:treasury`: two chains, each a treasury and a hot wallet,
// payouts arriving minute by minute, transfers that land after their lead time, and the figures.
import { seededRandom } from '#lib/treasury/forecast/calibration.js';
import type { FlowBucket } from '#lib/treasury/flows/flow-items.js';
import type { AccountRef } from '#lib/treasury/rebalance/index.js';

export interface ChainSetup {
  name: string;
  /** Hourly payout totals: the history before the run, then the run's own hours. */
  history: FlowBucket[];
  flows: FlowBucket[];
  hotWalletMinor: bigint;
  treasuryMinor: bigint;
}

/** Minutes from deciding a move to its landing: members approve, then the Safe executes (or CCTP attests). */
export interface Delays {
  approvalMinutes: number;
  sameChainMinutes: number;
  cctpMinutes: number;
}

export interface Transfer {
  from: AccountRef;
  to: AccountRef;
  amountMinor: bigint;
  landsAtMinute: number;
}

interface Payout {
  amountMinor: bigint;
  atMinute: number;
}

export interface ChainFigures {
  minutesShort: number;
  payoutsDelayed: number;
  averageHotMinor: bigint;
  peakHotMinor: bigint;
  /** The peak from the second day on, once each strategy has left the common starting balance. */
  settledPeakHotMinor: bigint;
  transfers: number;
  crossChainTransfers: number;
}

export interface ChainAccount {
  readonly name: string;
  hotMinor: bigint;
  treasuryMinor: bigint;
  /** Payouts waiting for liquidity, oldest first: promised, so not available. */
  waiting: Payout[];
}

/** What a strategy sees and may do at a minute. */
export interface WorldView {
  minute: number;
  chains: readonly ChainAccount[];
  /** Transfers decided but not landed. */
  pending: readonly Transfer[];
  /** Hourly payout totals of every chain up to the current hour (complete hours only). */
  historyOf(chain: string): Float64Array;
  delays: Delays;
  send(from: AccountRef, to: AccountRef, amountMinor: bigint): void;
}

export type Strategy = (view: WorldView) => void;

/** Each hour's total split into its payouts at random minutes (sizes exponential, summing to the total). */
function payoutsByMinute(flows: readonly FlowBucket[], seed: number): Map<number, bigint[]> {
  const random = seededRandom(seed);
  const byMinute = new Map<number, bigint[]>();
  flows.forEach((bucket, hour) => {
    const count = Math.max(bucket.payoutCount, bucket.payoutMinor > 0n ? 1 : 0);
    const weights = Array.from({ length: count }, () => -Math.log(1 - random()));
    const total = weights.reduce((a, b) => a + b, 0);
    let left = bucket.payoutMinor;
    weights.forEach((weight, i) => {
      const amount = i === count - 1 ? left : BigInt(Math.floor((Number(bucket.payoutMinor) * weight) / total));
      left -= amount;
      const minute = hour * 60 + Math.floor(random() * 60);
      byMinute.set(minute, [...(byMinute.get(minute) ?? []), amount]);
    });
  });
  return byMinute;
}

/**
 * Runs the flows minute by minute under one strategy (called every minute; it decides when to act).
 * A payout is paid at once when the hot wallet holds it and nothing older is waiting, else it waits;
 * a minute with any payout waiting is a minute short. A transfer leaves its source when decided and
 * lands after its delay.
 */
export function simulate(setups: readonly ChainSetup[], delays: Delays, strategy: Strategy, seed: number): Map<string, ChainFigures> {
  const hours = setups[0]!.flows.length;
  const chains: ChainAccount[] = setups.map((setup) => ({ name: setup.name, hotMinor: setup.hotWalletMinor, treasuryMinor: setup.treasuryMinor, waiting: [] }));
  const payouts = setups.map((setup, i) => payoutsByMinute(setup.flows, seed + i));
  const series = new Map(setups.map((setup) => [setup.name, [...setup.history, ...setup.flows].map((bucket) => Number(bucket.payoutMinor))]));
  const figures = new Map(setups.map((setup) => [setup.name, { minutesShort: 0, payoutsDelayed: 0, hotSum: 0n, peakHotMinor: 0n, settledPeakHotMinor: 0n, transfers: 0, crossChainTransfers: 0 }]));
  let pending: Transfer[] = [];
  const account = (name: string) => chains.find((chain) => chain.name === name)!;

  for (let minute = 0; minute < hours * 60; minute++) {
    for (const transfer of pending.filter((candidate) => candidate.landsAtMinute <= minute)) {
      const to = account(transfer.to.chain);
      if (transfer.to.account === 'hot_wallet') to.hotMinor += transfer.amountMinor;
      else to.treasuryMinor += transfer.amountMinor;
    }
    pending = pending.filter((candidate) => candidate.landsAtMinute > minute);

    const view: WorldView = {
      minute, chains, pending, delays,
      historyOf: (chain) => Float64Array.from(series.get(chain)!.slice(0, setups[0]!.history.length + Math.floor(minute / 60))),
      send(from, to, amountMinor) {
        if (amountMinor <= 0n) return;
        const source = account(from.chain);
        if (from.account === 'hot_wallet') source.hotMinor -= amountMinor;
        else source.treasuryMinor -= amountMinor;
        if (source.hotMinor < 0n || source.treasuryMinor < 0n) throw new Error(`${from.chain} ${from.account} overdrawn by a transfer of ${amountMinor}`);
        const cross = from.chain !== to.chain;
        pending.push({ from, to, amountMinor, landsAtMinute: minute + delays.approvalMinutes + (cross ? delays.cctpMinutes : delays.sameChainMinutes) });
        const counted = figures.get(to.account === 'hot_wallet' ? to.chain : from.chain)!;
        counted.transfers++;
        if (cross) counted.crossChainTransfers++;
      },
    };
    strategy(view);

    chains.forEach((chain, i) => {
      chain.waiting.push(...(payouts[i]!.get(minute) ?? []).map((amountMinor) => ({ amountMinor, atMinute: minute })));
      const figure = figures.get(chain.name)!;
      let paid = 0;
      while (chain.waiting.length > paid && chain.waiting[paid]!.amountMinor <= chain.hotMinor) {
        const payout = chain.waiting[paid++]!;
        chain.hotMinor -= payout.amountMinor;
        if (payout.atMinute < minute) figure.payoutsDelayed++;
      }
      chain.waiting.splice(0, paid);
      if (chain.waiting.length > 0) figure.minutesShort++;
      figure.hotSum += chain.hotMinor;
      if (chain.hotMinor > figure.peakHotMinor) figure.peakHotMinor = chain.hotMinor;
      if (minute >= 24 * 60 && chain.hotMinor > figure.settledPeakHotMinor) figure.settledPeakHotMinor = chain.hotMinor;
    });
  }
  // Payouts still waiting at the end were delayed too.
  chains.forEach((chain) => { figures.get(chain.name)!.payoutsDelayed += chain.waiting.length; });
  const minutes = BigInt(hours * 60);
  return new Map([...figures].map(([name, figure]) => [name, {
    minutesShort: figure.minutesShort, payoutsDelayed: figure.payoutsDelayed,
    averageHotMinor: figure.hotSum / minutes, peakHotMinor: figure.peakHotMinor, settledPeakHotMinor: figure.settledPeakHotMinor,
    transfers: figure.transfers, crossChainTransfers: figure.crossChainTransfers,
  }]));
}

/** Money a hot wallet can still promise: its balance minus the payouts waiting on it. */
export function availableMinor(chain: ChainAccount): bigint {
  return chain.hotMinor - chain.waiting.reduce((sum, payout) => sum + payout.amountMinor, 0n);
}

/** Money already on its way to a chain's hot wallet. */
export function inboundMinor(view: WorldView, chain: string): bigint {
  return view.pending.filter((transfer) => transfer.to.chain === chain && transfer.to.account === 'hot_wallet').reduce((sum, transfer) => sum + transfer.amountMinor, 0n);
}
