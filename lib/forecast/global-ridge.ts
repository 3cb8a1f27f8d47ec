import { choleskySolve } from './linalg.js';

/**
 * A global linear model pooled across every series of a batch: the last `windowLength` values of
 * the log series (see `logTransform`), minus their recent level, predict the next `horizon` values
 * minus the same level (direct multi-output ridge regression). Pooling lets short series borrow
 * the shape of the others; logs and level make it scale-free, and keep series with wide relative
 * swings from dominating the squared loss.
 */
export interface RidgeSettings {
  windowLength: number;
  /** Values at the end of the window whose mean is the level. */
  levelLength: number;
  horizon: number;
  /** Spacing of training windows; windows end at n, n - stride, … so smaller cutoffs nest. */
  stride: number;
  /** The most recent windows per series kept (bounds the cost on long histories). */
  maxWindowsPerSeries: number;
  /**
   * When set, window and targets are also divided by the window's mean absolute difference at this
   * lag, so smooth series weigh as much in the squared loss as jumpy ones (a MASE-like loss).
   */
  scalePeriod?: number;
}

export class RidgeAccumulator {
  readonly features: number;
  readonly gram: Float64Array;
  readonly crossTargets: Float64Array;
  windows = 0;
  private readonly row: Float64Array;

  constructor(readonly settings: RidgeSettings) {
    this.features = settings.windowLength + 1;
    this.gram = new Float64Array(this.features * this.features);
    this.crossTargets = new Float64Array(this.features * settings.horizon);
    this.row = new Float64Array(this.features);
  }

  /** Adds the windows of `y` whose targets end in (fromEnd, toEnd]; `n` anchors the window grid. */
  add(y: Float64Array, fromEnd: number, toEnd: number): void {
    const { windowLength, horizon, stride, maxWindowsPerSeries } = this.settings;
    const n = y.length;
    const F = this.features;
    const oldest = Math.max(windowLength + horizon, n - (maxWindowsPerSeries - 1) * stride);
    for (let end = n; end >= oldest; end -= stride) {
      if (end > toEnd) continue;
      if (end <= fromEnd) break;
      const origin = end - horizon;
      const level = windowLevel(y, origin, this.settings);
      const scale = windowScale(y, origin, this.settings);
      const f = this.row;
      for (let j = 0; j < windowLength; j++) f[j] = (y[origin - windowLength + j]! - level) / scale;
      f[windowLength] = 1;
      for (let i = 0; i < F; i++) {
        const fi = f[i]!;
        if (fi === 0) continue;
        const base = i * F;
        for (let j = i; j < F; j++) this.gram[base + j]! += fi * f[j]!;
        const targetBase = i * horizon;
        for (let step = 0; step < horizon; step++) this.crossTargets[targetBase + step]! += fi * ((y[origin + step]! - level) / scale);
      }
      this.windows++;
    }
  }

  /** Ridge coefficients (features × horizon) for a penalty relative to the mean feature energy. */
  solve(relativeRidge: number): Float64Array | undefined {
    const F = this.features;
    if (this.windows < 2 * F) return undefined;
    const a = new Float64Array(F * F);
    let trace = 0;
    for (let i = 0; i < F; i++) {
      for (let j = i; j < F; j++) {
        a[i * F + j] = this.gram[i * F + j]!;
        a[j * F + i] = this.gram[i * F + j]!;
      }
      if (i < F - 1) trace += this.gram[i * F + i]!;
    }
    const penalty = relativeRidge * (trace / (F - 1));
    return choleskySolve(a, Float64Array.from(this.crossTargets), F, this.settings.horizon, penalty, F - 1);
  }
}

/** Applies ridge coefficients to the end of `y` (already log-transformed). */
export function ridgeForecast(y: Float64Array, coefficients: Float64Array, settings: RidgeSettings): Float64Array {
  const { windowLength, horizon } = settings;
  const n = y.length;
  const level = windowLevel(y, n, settings);
  const scale = windowScale(y, n, settings);
  const out = coefficients.slice(windowLength * horizon, (windowLength + 1) * horizon);
  for (let j = 0; j < windowLength; j++) {
    const feature = (y[n - windowLength + j]! - level) / scale;
    if (feature === 0) continue;
    const base = j * horizon;
    for (let step = 0; step < horizon; step++) out[step]! += feature * coefficients[base + step]!;
  }
  for (let step = 0; step < horizon; step++) out[step] = level + scale * out[step]!;
  return out;
}

/** 1, or the window's mean absolute difference at `scalePeriod` (floored to stay finite). */
function windowScale(y: Float64Array, origin: number, settings: RidgeSettings): number {
  const lag = settings.scalePeriod;
  if (lag === undefined) return 1;
  let sum = 0;
  for (let t = origin - settings.windowLength + lag; t < origin; t++) sum += Math.abs(y[t]! - y[t - lag]!);
  return Math.max(sum / (settings.windowLength - lag), 1e-4);
}

/** Mean of the window's last `levelLength` values. */
function windowLevel(y: Float64Array, origin: number, settings: RidgeSettings): number {
  let sum = 0;
  for (let t = origin - settings.levelLength; t < origin; t++) sum += y[t]!;
  return sum / settings.levelLength;
}

/**
 * log(y + offset): offset 0 for positive series, else enough to lift the minimum to a tenth of the
 * mean absolute value (zero-flow hours are common in payout totals).
 */
export function logTransform(y: Float64Array): { z: Float64Array; offset: number } {
  let min = Infinity;
  let absolute = 0;
  for (let t = 0; t < y.length; t++) {
    min = Math.min(min, y[t]!);
    absolute += Math.abs(y[t]!);
  }
  const meanAbsolute = y.length > 0 ? absolute / y.length : 0;
  const offset = min > 0 ? 0 : -min + Math.max(0.1 * meanAbsolute, 1e-6);
  return { z: Float64Array.from(y, (value) => Math.log(value + offset)), offset };
}

/** Inverse of `logTransform`, in place. */
export function fromLog(forecast: Float64Array, offset: number): Float64Array {
  for (let s = 0; s < forecast.length; s++) forecast[s] = Math.exp(forecast[s]!) - offset;
  return forecast;
}
