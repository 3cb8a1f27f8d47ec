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

const batchRows = 4;

export class RidgeAccumulator {
  readonly features: number;
  readonly gram: Float64Array;
  readonly crossTargets: Float64Array;
  windows = 0;
  /** Windows waiting to be added (features and targets), `batchRows` at most. */
  private readonly rows: Float64Array;
  private readonly targets: Float64Array;
  private pending = 0;

  constructor(readonly settings: RidgeSettings) {
    this.features = settings.windowLength + 1;
    this.gram = new Float64Array(this.features * this.features);
    this.crossTargets = new Float64Array(this.features * settings.horizon);
    this.rows = new Float64Array(batchRows * this.features);
    this.targets = new Float64Array(batchRows * settings.horizon);
  }

  /** Adds the windows of `y` whose targets end in (fromEnd, toEnd]; `n` anchors the window grid. */
  add(y: Float64Array, fromEnd: number, toEnd: number): void {
    const { windowLength, horizon, stride, maxWindowsPerSeries } = this.settings;
    const n = y.length;
    const oldest = Math.max(windowLength + horizon, n - (maxWindowsPerSeries - 1) * stride);
    for (let end = n; end >= oldest; end -= stride) {
      if (end > toEnd) continue;
      if (end <= fromEnd) break;
      const origin = end - horizon;
      const level = windowLevel(y, origin, this.settings);
      const scale = windowScale(y, origin, this.settings);
      const f = this.rows.subarray(this.pending * this.features, (this.pending + 1) * this.features);
      const target = this.targets.subarray(this.pending * horizon, (this.pending + 1) * horizon);
      for (let j = 0; j < windowLength; j++) f[j] = (y[origin - windowLength + j]! - level) / scale;
      f[windowLength] = 1;
      for (let step = 0; step < horizon; step++) target[step] = (y[origin + step]! - level) / scale;
      this.windows++;
      if (++this.pending === batchRows) this.flush();
    }
  }

  /**
   * Adds the buffered windows to the Gram matrix four at a time: one pass over the matrix per four
   * windows instead of one per window (the matrix, not the arithmetic, bounds the speed).
   */
  private flush(): void {
    if (this.pending === 0) return;
    const F = this.features;
    const H = this.settings.horizon;
    const { gram, crossTargets, rows, targets } = this;
    for (let r = this.pending; r < batchRows; r++) {
      rows.fill(0, r * F, (r + 1) * F);
      targets.fill(0, r * H, (r + 1) * H);
    }
    const [r1, r2, r3] = [F, 2 * F, 3 * F];
    for (let i = 0; i < F; i++) {
      const a = rows[i]!;
      const b = rows[r1 + i]!;
      const c = rows[r2 + i]!;
      const d = rows[r3 + i]!;
      const base = i * F;
      for (let j = i; j < F; j++) gram[base + j]! += a * rows[j]! + b * rows[r1 + j]! + c * rows[r2 + j]! + d * rows[r3 + j]!;
      const targetBase = i * H;
      for (let step = 0; step < H; step++) {
        crossTargets[targetBase + step]! += a * targets[step]! + b * targets[H + step]! + c * targets[2 * H + step]! + d * targets[3 * H + step]!;
      }
    }
    this.pending = 0;
  }

  /** Ridge coefficients (features × horizon) for a penalty relative to the mean feature energy. */
  solve(relativeRidge: number): Float64Array | undefined {
    this.flush();
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
