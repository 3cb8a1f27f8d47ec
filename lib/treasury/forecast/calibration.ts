import type { SeriesPlan } from './validation.js';

/**
 * Forecast errors from rolling-origin validation, normalised per series by that series' own mean
 * absolute validation error, and pooled by horizon step. Intervals are split-conformal quantiles of
 * these normalised errors times the series' scale; sample paths block-bootstrap whole error
 * trajectories, so both rest on the same errors.
 */
export interface ErrorModel {
  horizon: number;
  /** Per series: mean absolute validation error of the chosen forecast (its own history). */
  scales: Float64Array;
  /** Per step (0-based): sorted normalised signed errors pooled over series, origins and neighbouring steps. */
  pooledByStep: Float64Array[];
  /** Normalised error trajectories (one per series and origin), for block bootstrap. */
  trajectories: Float64Array[];
  /** Steps either side pooled to reach `minimumPoolSize` errors; paths shift their blocks as far. */
  poolRadius: number;
}

/** Fewest errors a step's quantiles rest on; neighbouring steps are pooled until it is reached. */
const minimumPoolSize = 120;

export function buildErrorModel(
  series: Float64Array[],
  plans: SeriesPlan[],
  validationForecast: (i: number, k: number) => Float64Array | undefined,
  horizon: number,
): ErrorModel {
  const scales = new Float64Array(series.length);
  const trajectories: Float64Array[] = [];
  const perStep: number[][] = Array.from({ length: horizon }, () => []);
  series.forEach((y, i) => {
    const plan = plans[i]!;
    const errors: Float64Array[] = [];
    const absoluteByOrigin: number[] = [];
    plan.origins.forEach((origin, k) => {
      const forecast = validationForecast(i, k);
      if (forecast === undefined) return;
      const error = new Float64Array(plan.steps);
      let absolute = 0;
      for (let s = 0; s < plan.steps; s++) {
        error[s] = y[origin + s]! - forecast[s]!;
        absolute += Math.abs(error[s]!);
      }
      errors.push(error);
      absoluteByOrigin.push(absolute / plan.steps);
    });
    const total = absoluteByOrigin.reduce((sum, value) => sum + value, 0);
    const scale = total > 0 ? total / absoluteByOrigin.length : plan.scale;
    scales[i] = scale;
    errors.forEach((error, k) => {
      // Normalised by the scale the other origins give, as a future origin would be: the pooled
      // errors then carry the uncertainty of estimating a series' scale, not only its noise.
      const others = absoluteByOrigin.length > 1 ? (total - absoluteByOrigin[k]!) / (absoluteByOrigin.length - 1) : scale;
      const divisor = others > 0 ? others : scale;
      for (let s = 0; s < error.length; s++) {
        error[s]! /= divisor;
        perStep[s]!.push(error[s]!);
      }
      trajectories.push(error);
    });
  });
  const perStepCount = Math.max(1, Math.min(...perStep.filter((errors) => errors.length > 0).map((errors) => errors.length)));
  const poolRadius = Math.ceil(Math.max(0, minimumPoolSize / perStepCount - 1) / 2);
  return { horizon, scales, pooledByStep: poolNeighbours(perStep), trajectories, poolRadius };
}

/** For each step, the errors of the nearest steps on either side until the pool is big enough. */
function poolNeighbours(perStep: number[][]): Float64Array[] {
  const lastWithData = perStep.reduce((last, errors, s) => (errors.length > 0 ? s : last), -1);
  return perStep.map((_, step) => {
    if (lastWithData < 0) return new Float64Array([-1, 1]);
    // Beyond the validated steps, reuse the last validated step, widened like a random walk.
    const anchor = Math.min(step, lastWithData);
    const widen = step > lastWithData ? Math.sqrt((step + 1) / (lastWithData + 1)) : 1;
    const pool: number[] = [...perStep[anchor]!];
    for (let d = 1; pool.length < minimumPoolSize && (anchor - d >= 0 || anchor + d <= lastWithData); d++) {
      if (anchor - d >= 0) pool.push(...perStep[anchor - d]!);
      if (anchor + d <= lastWithData) pool.push(...perStep[anchor + d]!);
    }
    const sorted = Float64Array.from(pool, (error) => error * widen).sort();
    return sorted;
  });
}

/**
 * Split-conformal bounds at `level` for one step: the empirical alpha/2 and 1-alpha/2 quantiles of
 * the pooled normalised errors, with the (n+1) finite-sample correction.
 */
export function conformalBounds(errorModel: ErrorModel, step: number, level: number): { lower: number; upper: number } {
  const sorted = errorModel.pooledByStep[step]!;
  const n = sorted.length;
  const tail = (1 - level) / 2;
  const upperIndex = Math.min(n - 1, Math.ceil((n + 1) * (1 - tail)) - 1);
  const lowerIndex = Math.max(0, Math.floor((n + 1) * tail) - 1);
  return { lower: sorted[lowerIndex]!, upper: sorted[upperIndex]! };
}

/** A small fast seeded generator (mulberry32) so simulations are reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Sample paths: the point forecast plus scale × an error trajectory built from blocks of
 * `blockLength` steps, each block copied from a randomly drawn validation trajectory at the same
 * horizon steps shifted by a random offset within the intervals' pooling radius. That keeps the
 * error's growth with the horizon and its autocorrelation within blocks, and gives each step the
 * same spread of errors the intervals rest on (with few origins, unshifted blocks would repeat a
 * handful of values and understate the tails).
 */
export function samplePaths(mean: Float64Array, scale: number, errorModel: ErrorModel, count: number, random: () => number, blockLength: number): Float64Array[] {
  const horizon = mean.length;
  const { trajectories } = errorModel;
  const paths: Float64Array[] = [];
  for (let p = 0; p < count; p++) {
    const path = new Float64Array(horizon);
    for (let start = 0; start < horizon; start += blockLength) {
      const trajectory = trajectories.length > 0 ? trajectories[Math.floor(random() * trajectories.length)]! : undefined;
      const shift = Math.floor(random() * (2 * errorModel.poolRadius + 1)) - errorModel.poolRadius;
      for (let s = start; s < Math.min(horizon, start + blockLength); s++) {
        path[s] = mean[s]! + scale * trajectoryError(trajectory, s, shift, errorModel, random);
      }
    }
    paths.push(path);
  }
  return paths;
}

function trajectoryError(trajectory: Float64Array | undefined, step: number, shift: number, errorModel: ErrorModel, random: () => number): number {
  if (trajectory !== undefined && step < trajectory.length) {
    // Reflect a shift that leaves the trajectory, and clamp what a short trajectory still cannot hold.
    const shifted = step + shift < 0 || step + shift >= trajectory.length ? step - shift : step + shift;
    return trajectory[Math.min(trajectory.length - 1, Math.max(0, shifted))]!;
  }
  // Beyond a trajectory's length (short series): draw from the step's pooled, widened errors.
  const pool = errorModel.pooledByStep[step]!;
  return pool[Math.floor(random() * pool.length)]!;
}
