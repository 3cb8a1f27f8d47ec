/**
 * M4's Naive2 benchmark, as in the organisers' R code: when a 90 % autocorrelation test at the
 * seasonal lag says the series is seasonal, deseasonalise it with R's classical multiplicative
 * decomposition, forecast the last adjusted value, and reseasonalise.
 */
export function naive2(y: Float64Array, horizon: number, period: number): Float64Array {
  const indices = isSeasonal(y, period) ? seasonalIndices(y, period) : undefined;
  const n = y.length;
  const last = indices === undefined ? y[n - 1]! : y[n - 1]! / indices[(n - 1) % period]!;
  const out = new Float64Array(horizon);
  for (let step = 0; step < horizon; step++) out[step] = indices === undefined ? last : last * indices[(n + step) % period]!;
  return out;
}

/** M4's seasonality test: |acf(lag m)| > 1.645 · sqrt((1 + 2 Σ_{k<m} acf(k)²) / n), for n ≥ 3m. */
export function isSeasonal(y: Float64Array, period: number): boolean {
  const n = y.length;
  if (n < 3 * period) return false;
  let mean = 0;
  for (let t = 0; t < n; t++) mean += y[t]!;
  mean /= n;
  let variance = 0;
  for (let t = 0; t < n; t++) variance += (y[t]! - mean) ** 2;
  const acf = (lag: number) => {
    let sum = 0;
    for (let t = lag; t < n; t++) sum += (y[t]! - mean) * (y[t - lag]! - mean);
    return sum / variance;
  };
  let squares = 0;
  for (let k = 1; k < period; k++) squares += acf(k) ** 2;
  return Math.abs(acf(period)) > 1.645 * Math.sqrt((1 + 2 * squares) / n);
}

/** R's decompose(type = "multiplicative")$figure, indexed by t mod period. */
function seasonalIndices(y: Float64Array, period: number): Float64Array {
  const n = y.length;
  const half = period / 2;
  const sums = new Float64Array(period);
  const counts = new Float64Array(period);
  for (let t = half; t < n - half; t++) {
    let trend = 0.5 * y[t - half]! + 0.5 * y[t + half]!;
    for (let j = t - half + 1; j < t + half; j++) trend += y[j]!;
    trend /= period;
    sums[t % period]! += y[t]! / trend;
    counts[t % period]! += 1;
  }
  const figure = new Float64Array(period);
  let mean = 0;
  for (let k = 0; k < period; k++) {
    figure[k] = sums[k]! / counts[k]!;
    mean += figure[k]!;
  }
  mean /= period;
  for (let k = 0; k < period; k++) figure[k]! /= mean;
  return figure;
}
