/**
 * MSTL-like additive decomposition for several seasonal periods: a centred moving-average trend,
 * then each seasonal profile in ascending period order estimated on what the trend and the other
 * profiles leave, iterated twice (as MSTL iterates STL). Profiles are averages per phase over the
 * most recent cycles, centred to mean zero, so the forecast of a component is its profile repeated.
 */
export interface Decomposition {
  /** The series minus every seasonal component. */
  adjusted: Float64Array;
  /** One profile per usable period, indexed by (t mod period). */
  profiles: { period: number; profile: Float64Array }[];
}

/** Periods with at least two full cycles in `length` points, ascending. */
export function usablePeriods(periods: readonly number[], length: number): number[] {
  return [...new Set(periods)].filter((period) => period >= 2 && length >= 2 * period).sort((a, b) => a - b);
}

export function decompose(y: Float64Array, periods: readonly number[], maxCycles = 8): Decomposition {
  const n = y.length;
  const usable = usablePeriods(periods, n);
  if (usable.length === 0) return { adjusted: Float64Array.from(y), profiles: [] };
  const trend = centredMovingAverage(y, usable[usable.length - 1]!);
  const profiles = usable.map((period) => ({ period, profile: new Float64Array(period) }));
  const seasonal = new Float64Array(n);
  for (let iteration = 0; iteration < 2; iteration++) {
    for (const component of profiles) {
      const { period, profile } = component;
      // Remove this component's own contribution before re-estimating it.
      for (let t = 0; t < n; t++) seasonal[t]! -= profile[t % period]!;
      const start = Math.max(0, n - maxCycles * period);
      const sums = new Float64Array(period);
      const counts = new Float64Array(period);
      for (let t = start; t < n; t++) {
        sums[t % period]! += y[t]! - trend[t]! - seasonal[t]!;
        counts[t % period]! += 1;
      }
      let mean = 0;
      for (let k = 0; k < period; k++) {
        profile[k] = counts[k]! > 0 ? sums[k]! / counts[k]! : 0;
        mean += profile[k]!;
      }
      mean /= period;
      for (let k = 0; k < period; k++) profile[k]! -= mean;
      for (let t = 0; t < n; t++) seasonal[t]! += profile[t % period]!;
    }
  }
  const adjusted = new Float64Array(n);
  for (let t = 0; t < n; t++) adjusted[t] = y[t]! - seasonal[t]!;
  return { adjusted, profiles };
}

/** The seasonal part of the forecast at steps n+1..n+h (sum of profiles at each future phase). */
export function seasonalForecast(decomposition: Decomposition, n: number, h: number): Float64Array {
  const out = new Float64Array(h);
  for (const { period, profile } of decomposition.profiles) {
    for (let step = 0; step < h; step++) out[step]! += profile[(n + step) % period]!;
  }
  return out;
}

/**
 * 2×period centred moving average (a plain one for odd periods); the ends, where the window does
 * not fit, repeat the nearest computed value.
 */
export function centredMovingAverage(y: Float64Array, period: number): Float64Array {
  const n = y.length;
  const out = new Float64Array(n);
  const half = Math.floor(period / 2);
  const even = period % 2 === 0;
  if (n < period + 1) {
    let mean = 0;
    for (let t = 0; t < n; t++) mean += y[t]!;
    return out.fill(mean / Math.max(n, 1));
  }
  let sum = 0;
  for (let t = 0; t < period; t++) sum += y[t]!;
  // Window [t - half, t - half + period) for odd; even adds the half-weighted ends.
  const first = half;
  const last = even ? n - half - 1 : n - half - 1;
  for (let t = first; t <= last; t++) {
    const start = t - half;
    if (t > first) sum += y[start + period - 1]! - y[start - 1]!;
    out[t] = even ? (sum - 0.5 * y[start]! + 0.5 * y[start + period]!) / period : sum / period;
  }
  for (let t = 0; t < first; t++) out[t] = out[first]!;
  for (let t = last + 1; t < n; t++) out[t] = out[last]!;
  return out;
}
