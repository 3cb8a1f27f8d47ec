import { decompose, seasonalForecast, usablePeriods } from './decompose.js';

/** A model fitted on one series alone: history in, `horizon` point forecasts out. */
export type LocalModel = (y: Float64Array, horizon: number, periods: readonly number[]) => Float64Array;

/** Repeats the last cycle of `period` (or the last value when the history is shorter). */
export function seasonalNaive(y: Float64Array, horizon: number, period: number): Float64Array {
  const n = y.length;
  const out = new Float64Array(horizon);
  if (n < period) return out.fill(y[n - 1] ?? 0);
  for (let step = 0; step < horizon; step++) out[step] = y[n - period + (step % period)]!;
  return out;
}

/** The mean of the last `cycles` cycles of `period`, repeated: a seasonal naive with less noise. */
export function seasonalMean(y: Float64Array, horizon: number, period: number, cycles: number): Float64Array {
  const n = y.length;
  const out = new Float64Array(horizon);
  const used = Math.min(cycles, Math.floor(n / period));
  for (let k = 0; k < period && k < horizon; k++) {
    let sum = 0;
    for (let c = 1; c <= used; c++) sum += y[n - c * period + k]!;
    out[k] = sum / used;
  }
  for (let step = period; step < horizon; step++) out[step] = out[step - period]!;
  return out;
}

/**
 * Simple exponential smoothing with the smoothing weight chosen by one-step squared error on a
 * grid (a grid is enough: the loss is smooth in alpha and the engine validates the result anyway).
 * Returns the final level and the chosen alpha.
 */
export function simpleExponentialSmoothing(y: Float64Array): { level: number; alpha: number } {
  const n = y.length;
  let best = { level: y[n - 1] ?? 0, alpha: 1, sse: Infinity };
  for (let alpha = 0.05; alpha <= 1.0001; alpha += 0.05) {
    let level = y[0]!;
    let sse = 0;
    for (let t = 1; t < n; t++) {
      const error = y[t]! - level;
      sse += error * error;
      level += alpha * error;
    }
    if (sse < best.sse) best = { level, alpha, sse };
  }
  return { level: best.level, alpha: best.alpha };
}

/**
 * Theta method (Hyndman & Billah 2003 form): SES plus half the least-squares slope, with the
 * slope scaled as the theta line implies. `drift` false gives plain SES.
 */
export function theta(y: Float64Array, horizon: number, drift: boolean): Float64Array {
  const n = y.length;
  const { level, alpha } = simpleExponentialSmoothing(y);
  let slope = 0;
  if (drift && n > 2) {
    const meanT = (n - 1) / 2;
    let meanY = 0;
    for (let t = 0; t < n; t++) meanY += y[t]!;
    meanY /= n;
    let sxy = 0;
    let sxx = 0;
    for (let t = 0; t < n; t++) {
      sxy += (t - meanT) * (y[t]! - meanY);
      sxx += (t - meanT) * (t - meanT);
    }
    slope = sxy / sxx;
  }
  const out = new Float64Array(horizon);
  const tail = (1 - Math.pow(1 - alpha, n)) / alpha;
  for (let step = 1; step <= horizon; step++) out[step - 1] = level + (slope / 2) * (step - 1 + tail);
  return out;
}

/** Decomposes, forecasts the seasonally adjusted series with Theta (or SES), adds the profiles back. */
export function decomposedTheta(y: Float64Array, horizon: number, periods: readonly number[], drift: boolean): Float64Array {
  const recent = y.length > 12 * 168 ? y.subarray(y.length - 12 * 168) : y;
  const decomposition = decompose(recent, periods);
  const out = theta(decomposition.adjusted, horizon, drift);
  const seasonal = seasonalForecast(decomposition, recent.length, horizon);
  for (let step = 0; step < horizon; step++) out[step]! += seasonal[step]!;
  return out;
}

/** The same in log space, for positive series whose seasonal swing scales with their level. */
export function logDecomposedTheta(y: Float64Array, horizon: number, periods: readonly number[], drift: boolean): Float64Array {
  const logs = new Float64Array(y.length);
  for (let t = 0; t < y.length; t++) logs[t] = Math.log(y[t]!);
  const out = decomposedTheta(logs, horizon, periods, drift);
  for (let step = 0; step < horizon; step++) out[step] = Math.exp(out[step]!);
  return out;
}

export interface LocalModelSpec {
  name: string;
  /** False when the model cannot run on this history (too short, or not positive for log models). */
  applies: (y: Float64Array, periods: readonly number[]) => boolean;
  forecast: LocalModel;
}

function allPositive(y: Float64Array): boolean {
  for (let t = 0; t < y.length; t++) if (!(y[t]! > 0)) return false;
  return true;
}

const hasSeason = (y: Float64Array, periods: readonly number[]) => usablePeriods(periods, y.length).length > 0;

/** The statistical candidates the engine validates and combines. */
export function localModels(periods: readonly number[]): LocalModelSpec[] {
  const sorted = [...new Set(periods)].sort((a, b) => a - b);
  const naive = sorted.map<LocalModelSpec>((period) => ({
    name: `snaive${period}`,
    applies: (y) => y.length >= period,
    forecast: (y, horizon) => seasonalNaive(y, horizon, period),
  }));
  const means = sorted.flatMap<LocalModelSpec>((period) =>
    [2, 4].map((cycles) => ({
      name: `smean${period}x${cycles}`,
      applies: (y) => y.length >= cycles * period,
      forecast: (y, horizon) => seasonalMean(y, horizon, period, cycles),
    })),
  );
  return [
    ...naive,
    ...means,
    { name: 'mstl-ses', applies: hasSeason, forecast: (y, h, p) => decomposedTheta(y, h, p, false) },
    { name: 'mstl-theta', applies: hasSeason, forecast: (y, h, p) => decomposedTheta(y, h, p, true) },
    { name: 'mstl-ses-log', applies: (y, p) => hasSeason(y, p) && allPositive(y), forecast: (y, h, p) => logDecomposedTheta(y, h, p, false) },
    { name: 'mstl-theta-log', applies: (y, p) => hasSeason(y, p) && allPositive(y), forecast: (y, h, p) => logDecomposedTheta(y, h, p, true) },
  ];
}
