/** Forecast accuracy measures as the M4 competition defines them (percentages for sMAPE). */

/** Symmetric MAPE in percent; a step where actual and forecast are both 0 counts as 0. */
export function smape(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    const denominator = Math.abs(actual[i]!) + Math.abs(forecast[i]!);
    if (denominator > 0) sum += (2 * Math.abs(actual[i]! - forecast[i]!)) / denominator;
  }
  return (100 * sum) / actual.length;
}

/** In-sample mean absolute seasonal difference: MASE's denominator (lag 1 if history is too short). */
export function seasonalScale(history: ArrayLike<number>, period: number): number {
  const lag = history.length > period ? period : 1;
  let sum = 0;
  for (let t = lag; t < history.length; t++) sum += Math.abs(history[t]! - history[t - lag]!);
  return history.length > lag ? sum / (history.length - lag) : 0;
}

export function mase(actual: ArrayLike<number>, forecast: ArrayLike<number>, scale: number): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += Math.abs(actual[i]! - forecast[i]!);
  return sum / actual.length / scale;
}

/** Mean scaled interval score (M4): width plus 2/alpha times each miss, scaled like MASE. */
export function msis(actual: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>, scale: number, alpha: number): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    sum += upper[i]! - lower[i]!;
    if (a < lower[i]!) sum += (2 / alpha) * (lower[i]! - a);
    if (a > upper[i]!) sum += (2 / alpha) * (a - upper[i]!);
  }
  return sum / actual.length / scale;
}
