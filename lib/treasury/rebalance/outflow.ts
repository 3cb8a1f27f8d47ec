import type { Arrival } from './types.js';

/**
 * Outflow arithmetic over sample paths, in bigint minor units: each path's cumulative outflow is
 * rounded up at every hour (as planLiquidity does), negative model hours count as none, and money
 * arriving at `afterHours` counts only from the first whole hour after it lands (a transfer landing
 * at 1.1 h helps from hour 2 on): never optimistic about when money is there.
 */
export function cumulativeOutflows(paths: readonly Float64Array[], horizonHours: number): bigint[][] {
  return paths.map((path) => {
    if (path.length < horizonHours) throw new RangeError(`a path of ${path.length} h is shorter than the horizon (${horizonHours} h)`);
    const totals: bigint[] = [];
    let cumulative = 0;
    for (let hour = 0; hour < horizonHours; hour++) {
      cumulative += Math.max(0, path[hour]!);
      totals.push(BigInt(Math.ceil(cumulative)));
    }
    return totals;
  });
}

/** Money landed by the end of each hour of the horizon. */
export function landedByHour(arrivals: readonly Arrival[], horizonHours: number): bigint[] {
  const landed = new Array<bigint>(horizonHours).fill(0n);
  for (const arrival of arrivals) {
    for (let hour = Math.max(0, Math.ceil(arrival.afterHours)); hour < horizonHours; hour++) landed[hour]! += arrival.amountMinor;
  }
  return landed;
}

/** Share of paths on which the wallet cannot pay at some hour: cumulative outflow above what it held plus what landed. */
export function dryProbability(cumulative: readonly bigint[][], availableMinor: bigint, landed: readonly bigint[]): number {
  let dry = 0;
  for (const path of cumulative) {
    if (path.some((outflow, hour) => outflow > availableMinor + landed[hour]!)) dry++;
  }
  return dry / cumulative.length;
}

/**
 * The smallest amount that, landing at hour `fromHour`, keeps the wallet paying on a `quantile`
 * share of the paths from then on: the empirical quantile over paths of the worst gap after it lands.
 * (Hours before it lands are for what the wallet already holds; no transfer can help them.)
 */
export function requiredArrival(cumulative: readonly bigint[][], availableMinor: bigint, landed: readonly bigint[], fromHour: number, quantile: number): bigint {
  const gaps = cumulative.map((path) => {
    let worst = 0n;
    for (let hour = Math.max(0, fromHour); hour < path.length; hour++) {
      const gap = path[hour]! - availableMinor - landed[hour]!;
      if (gap > worst) worst = gap;
    }
    return worst;
  });
  return quantileOf(gaps, quantile);
}

/** What a wallet must hold now to keep paying on a `quantile` share of the paths (given what will land). */
export function requiredHolding(cumulative: readonly bigint[][], landed: readonly bigint[], quantile: number): bigint {
  return requiredArrival(cumulative, 0n, landed, 0, quantile);
}

/** The empirical inverse CDF: the ceil(q·n)-th smallest value. */
function quantileOf(values: bigint[], quantile: number): bigint {
  const sorted = values.slice().sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted[Math.max(0, Math.ceil(quantile * sorted.length) - 1)] ?? 0n;
}
