import { LiquidityInputError } from './errors.js';

export interface LiquidityInput {
  /** Simulated hourly outflows (minor units, floats) for the next hours; step 1 is the coming hour. */
  paths: readonly Float64Array[];
  leadTimeHours: number;
  /** Wallet balance minus payouts in flight, in minor units. */
  availableMinor: bigint;
  /** Quantile of cumulative outflow the balance must cover; default 0.99. */
  quantile?: number;
}

export interface LiquidityPlan {
  leadTimeHours: number;
  quantile: number;
  /** The quantile of cumulative outflow over the lead time, rounded up to a whole minor unit. */
  requiredMinor: bigint;
  /** requiredMinor - availableMinor when positive, else 0. */
  topUpMinor: bigint;
  /** Share of paths whose cumulative outflow exceeds availableMinor at some hour ≤ lead time. */
  dryProbability: number;
  /** Mean cumulative outflow over the lead time, rounded up. */
  expectedOutflowMinor: bigint;
}

export const defaultLiquidityQuantile = 0.99;

/**
 * The balance a hot wallet needs to cover its outflow until a refill can land, from simulated paths.
 * Money edges: a path's hourly values are floats; negative hours (model noise) count as 0 outflow;
 * cumulative sums are rounded UP to whole minor units (Math.ceil, then BigInt) before any comparison
 * with the bigint balance, so the plan never understates a need by a rounding.
 * The quantile is the empirical inverse CDF: the ceil(q·n)-th smallest cumulative outflow.
 */
export function planLiquidity(input: LiquidityInput): LiquidityPlan {
  const quantile = input.quantile ?? defaultLiquidityQuantile;
  const { paths, leadTimeHours, availableMinor } = input;
  if (paths.length === 0) throw new LiquidityInputError('no sample paths to plan on');
  if (!Number.isInteger(leadTimeHours) || leadTimeHours < 1) throw new LiquidityInputError(`lead time ${leadTimeHours} h is not a whole number of hours ≥ 1`);
  if (!(quantile > 0 && quantile < 1)) throw new LiquidityInputError(`quantile ${quantile} is not strictly between 0 and 1`);
  const shortest = Math.min(...paths.map((path) => path.length));
  if (shortest < leadTimeHours) throw new LiquidityInputError(`lead time ${leadTimeHours} h is longer than the simulated paths (${shortest} h)`);

  const totals: bigint[] = [];
  let dry = 0;
  let sum = 0;
  for (const path of paths) {
    let cumulative = 0;
    let ranDry = false;
    for (let hour = 0; hour < leadTimeHours; hour++) {
      cumulative += Math.max(0, path[hour]!);
      if (!ranDry && BigInt(Math.ceil(cumulative)) > availableMinor) ranDry = true;
    }
    if (ranDry) dry++;
    sum += cumulative;
    totals.push(BigInt(Math.ceil(cumulative)));
  }
  totals.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const requiredMinor = totals[Math.max(0, Math.ceil(quantile * totals.length) - 1)]!;
  const shortfall = requiredMinor - availableMinor;
  return {
    leadTimeHours,
    quantile,
    requiredMinor,
    topUpMinor: shortfall > 0n ? shortfall : 0n,
    dryProbability: dry / paths.length,
    expectedOutflowMinor: BigInt(Math.ceil(sum / paths.length)),
  };
}
