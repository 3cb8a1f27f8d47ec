import { createHash } from 'node:crypto';
import { RebalanceInputError } from './errors.js';
import { cumulativeOutflows, dryProbability, landedByHour, requiredArrival, requiredHolding } from './outflow.js';
import type { AccountRef, Arrival, ChainLiquidity, RebalancePolicy, RebalanceProposal, RebalanceSettings } from './types.js';

/** One chain during a run: its forecast prepared once, its balances as this run's proposals leave them. */
interface ChainState {
  input: ChainLiquidity;
  policy: RebalancePolicy;
  cumulative: bigint[][];
  /** The hot wallet's available balance after moves out of it this run. */
  hotMinor: bigint;
  treasuryMinor: bigint;
  /** Inbound transfers, this run's proposals included. */
  arrivals: Arrival[];
  /** What the hot wallet still lacks (covered first by its own treasury, then across chains). */
  deficitMinor: bigint;
  /** What the hot wallet lacked before this run's proposals (a top-up's reason). */
  shortMinor: bigint;
  /** Its treasury keeps this much for its own hot wallet: never offered to another chain. */
  reservedMinor: bigint;
  dryBefore: number;
}

/**
 * Turns each chain's liquidity plan into rebalancing proposals, in a fixed order:
 * 1. each short hot wallet (it needs more than it holds and has coming to stay covered over its
 *    horizon at `quantile`, or it is under its floor) is topped up from its own chain's treasury;
 * 2. what is still short comes across chains (CCTP): from other treasuries' surplus first (idle
 *    money), then from hot wallets the forecast says are over-covered, largest surplus first;
 * 3. a hot wallet above its ceiling sends the excess back to its own treasury.
 * Every move respects the floors, the ceilings and the per-proposal maximum of both chains, is at
 * least the minimum worth moving, and leaves its source covered over its own horizon: a treasury
 * above its floor and its own hot wallet's need, a hot wallet whose dry probability, re-checked on
 * its own paths with the money gone, stays at or under `shortfallProbability`.
 */
export function planRebalancing(
  chains: readonly ChainLiquidity[],
  policies: Readonly<Record<string, RebalancePolicy>>,
  settings: RebalanceSettings,
): RebalanceProposal[] {
  const states = chains.map((input) => prepare(input, policies[input.chain], settings));
  assertOneAsset(chains);
  const proposals: RebalanceProposal[] = [];

  for (const state of states) {
    if (state.deficitMinor === 0n) continue;
    const proposal = move(state, state, 'treasury', treasurySurplus(state, false), settings);
    if (proposal) proposals.push(proposal);
  }

  for (const destination of states) {
    const sources = states.filter((source) => source !== destination)
      .flatMap((source) => [
        { source, account: 'treasury' as const, surplus: treasurySurplus(source, true) },
        { source, account: 'hot_wallet' as const, surplus: hotWalletSurplus(source, settings) },
      ])
      .filter((candidate) => candidate.surplus > 0n)
      .sort((a, b) => rank(a.account) - rank(b.account) || (a.surplus > b.surplus ? -1 : a.surplus < b.surplus ? 1 : 0) || a.source.input.chain.localeCompare(b.source.input.chain));
    for (const { source, account } of sources) {
      if (destination.deficitMinor === 0n) break;
      const surplus = account === 'treasury' ? treasurySurplus(source, true) : hotWalletSurplus(source, settings);
      const proposal = move(source, destination, account, surplus, settings);
      if (proposal) proposals.push(proposal);
    }
  }

  for (const state of states) {
    const proposal = sweep(state, settings);
    if (proposal) proposals.push(proposal);
  }
  return proposals;
}

function prepare(input: ChainLiquidity, policy: RebalancePolicy | undefined, settings: RebalanceSettings): ChainState {
  if (!policy) throw new RebalanceInputError(`no rebalancing policy for chain ${input.chain}`);
  assertPolicy(input.chain, policy);
  if (input.paths.length === 0) throw new RebalanceInputError(`chain ${input.chain} has no forecast paths`);
  if (!Number.isInteger(input.horizonHours) || input.horizonHours < 1) throw new RebalanceInputError(`chain ${input.chain}: horizon ${input.horizonHours} h is not a whole number ≥ 1`);
  const cumulative = cumulativeOutflows(input.paths, input.horizonHours);
  const arrivals = [...(input.inbound ?? [])];
  const landed = landedByHour(arrivals, input.horizonHours);
  const coming = arrivals.reduce((sum, arrival) => sum + arrival.amountMinor, 0n);
  // What must land at the earliest a transfer can (from its own treasury) to stay covered, or reach the floor.
  const forecastGap = requiredArrival(cumulative, input.hotWalletAvailableMinor, landed, Math.ceil(input.leadHours.sameChain), settings.quantile);
  const floorGap = policy.hotWalletFloorMinor - input.hotWalletAvailableMinor - coming;
  const room = policy.hotWalletCeilingMinor - input.hotWalletAvailableMinor - coming;
  const deficit = min(max(forecastGap, floorGap, 0n), max(room, 0n));
  return {
    input, policy, cumulative, arrivals,
    hotMinor: input.hotWalletAvailableMinor,
    treasuryMinor: input.treasuryMinor,
    deficitMinor: deficit,
    shortMinor: deficit,
    reservedMinor: deficit,
    dryBefore: dryProbability(cumulative, input.hotWalletAvailableMinor, landed),
  };
}

/** A treasury gives what is above its floor; to another chain, only what its own hot wallet does not need. */
function treasurySurplus(state: ChainState, crossChain: boolean): bigint {
  return max(state.treasuryMinor - state.policy.treasuryFloorMinor - (crossChain ? state.reservedMinor : 0n), 0n);
}

/** What a hot wallet holds above its floor and above what its own paths say it needs over its horizon. */
function hotWalletSurplus(state: ChainState, settings: RebalanceSettings): bigint {
  if (state.deficitMinor > 0n) return 0n;
  const landed = landedByHour(state.arrivals, state.input.horizonHours);
  const need = requiredHolding(state.cumulative, landed, settings.quantile);
  return max(state.hotMinor - max(need, state.policy.hotWalletFloorMinor), 0n);
}

/** Tops up `destination`'s hot wallet from `source`'s account, within both chains' limits; nothing when it is not worth a proposal. */
function move(source: ChainState, destination: ChainState, account: 'treasury' | 'hot_wallet', surplus: bigint, settings: RebalanceSettings): RebalanceProposal | undefined {
  const sameChain = source === destination;
  const cap = min(source.policy.maxPerProposalMinor, destination.policy.maxPerProposalMinor);
  const minimum = max(source.policy.minimumMoveMinor, destination.policy.minimumMoveMinor);
  const room = destination.policy.hotWalletCeilingMinor - destination.hotMinor - sum(destination.arrivals);
  // A small deficit is rounded up to the minimum worth moving when the ceiling leaves room for it.
  const wanted = min(max(destination.deficitMinor, minimum), room);
  let amount = min(wanted, cap, surplus);
  if (amount < minimum || amount <= 0n) return undefined;

  let sourceDryAfter: number | undefined;
  if (account === 'hot_wallet') {
    // Re-check the source on its own paths with the money gone; give less (never short) or nothing.
    const landed = landedByHour(source.arrivals, source.input.horizonHours);
    while (amount >= minimum && dryProbability(source.cumulative, source.hotMinor - amount, landed) > settings.shortfallProbability) amount /= 2n;
    if (amount < minimum) return undefined;
    sourceDryAfter = dryProbability(source.cumulative, source.hotMinor - amount, landed);
    source.hotMinor -= amount;
  } else {
    source.treasuryMinor -= amount;
    if (sameChain) source.reservedMinor = max(source.reservedMinor - amount, 0n);
  }
  const afterHours = sameChain ? destination.input.leadHours.sameChain : destination.input.leadHours.crossChain;
  destination.arrivals.push({ amountMinor: amount, afterHours });
  destination.deficitMinor = max(destination.deficitMinor - amount, 0n);
  const dryAfter = dryProbability(destination.cumulative, destination.hotMinor, landedByHour(destination.arrivals, destination.input.horizonHours));
  return proposal({ chain: source.input.chain, account }, { chain: destination.input.chain, account: 'hot_wallet' }, amount, destination.input, {
    kind: 'top_up', dryProbabilityBefore: destination.dryBefore, dryProbabilityAfter: dryAfter,
    topUpMinor: destination.shortMinor,
    ...(sourceDryAfter === undefined ? {} : { sourceDryProbabilityAfter: sourceDryAfter }),
  });
}

/** A hot wallet (with what is coming to it) above its ceiling sends the excess home, never below what it needs. */
function sweep(state: ChainState, settings: RebalanceSettings): RebalanceProposal | undefined {
  const excess = state.hotMinor + sum(state.arrivals) - state.policy.hotWalletCeilingMinor;
  if (excess <= 0n) return undefined;
  let amount = min(excess, hotWalletSurplus(state, settings), state.policy.maxPerProposalMinor);
  if (amount < state.policy.minimumMoveMinor || amount <= 0n) return undefined;
  const landed = landedByHour(state.arrivals, state.input.horizonHours);
  while (amount >= state.policy.minimumMoveMinor && dryProbability(state.cumulative, state.hotMinor - amount, landed) > settings.shortfallProbability) amount /= 2n;
  if (amount < state.policy.minimumMoveMinor) return undefined;
  state.hotMinor -= amount;
  const dryAfter = dryProbability(state.cumulative, state.hotMinor, landed);
  return proposal({ chain: state.input.chain, account: 'hot_wallet' }, { chain: state.input.chain, account: 'treasury' }, amount, state.input, {
    kind: 'sweep', dryProbabilityBefore: state.dryBefore, dryProbabilityAfter: dryAfter, topUpMinor: 0n, sourceDryProbabilityAfter: dryAfter,
  });
}

function proposal(from: AccountRef, to: AccountRef, amountMinor: bigint, forecast: ChainLiquidity, reason: Omit<RebalanceProposal['reason'], 'forecastGeneratedAt'>): RebalanceProposal {
  const id = `rbp_${createHash('sha256').update([forecast.forecastGeneratedAt, from.chain, from.account, to.chain, to.account, forecast.asset, amountMinor].join('|')).digest('hex').slice(0, 24)}`;
  return { id, from, to, amountMinor, asset: forecast.asset, reason: { ...reason, forecastGeneratedAt: forecast.forecastGeneratedAt } };
}

function assertPolicy(chain: string, policy: RebalancePolicy): void {
  const amounts = Object.entries(policy) as [string, bigint][];
  const negative = amounts.find(([, value]) => value < 0n);
  if (negative) throw new RebalanceInputError(`chain ${chain}: ${negative[0]} is negative`);
  if (policy.hotWalletFloorMinor > policy.hotWalletCeilingMinor) throw new RebalanceInputError(`chain ${chain}: the hot wallet's floor is above its ceiling`);
  if (policy.minimumMoveMinor > policy.maxPerProposalMinor) throw new RebalanceInputError(`chain ${chain}: the minimum move is above the maximum per proposal`);
}

function assertOneAsset(chains: readonly ChainLiquidity[]): void {
  const assets = new Set(chains.map((chain) => chain.asset));
  if (assets.size > 1) throw new RebalanceInputError(`one asset per run, got ${[...assets].join(', ')}`);
  const names = new Set(chains.map((chain) => chain.chain));
  if (names.size < chains.length) throw new RebalanceInputError('a chain appears twice');
}

const rank = (account: 'treasury' | 'hot_wallet') => (account === 'treasury' ? 0 : 1);
const sum = (arrivals: readonly Arrival[]) => arrivals.reduce((total, arrival) => total + arrival.amountMinor, 0n);
const min = (...values: bigint[]) => values.reduce((a, b) => (b < a ? b : a));
const max = (...values: bigint[]) => values.reduce((a, b) => (b > a ? b : a));
