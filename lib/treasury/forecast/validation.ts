import { fromLog, RidgeAccumulator, ridgeForecast, type RidgeSettings } from './global-ridge.js';
import type { LocalModelSpec } from './local-models.js';
import { seasonalScale, smape } from './metrics.js';

/** Where a series is cut for rolling-origin validation. */
export interface SeriesPlan {
  /** Steps scored after each origin (the horizon, shorter for short series). */
  steps: number;
  /** Origins, latest first: the model sees y[0..origin) and is scored on the next `steps` values. */
  origins: number[];
  /** MASE-like scale of the history before the earliest origin. */
  scale: number;
}

export function planSeries(n: number, horizon: number, periods: readonly number[], maxOrigins: number, originStride: number): SeriesPlan {
  const minFit = Math.min(...periods);
  const steps = Math.max(0, Math.min(horizon, n - minFit));
  const origins: number[] = [];
  for (let k = 0; k < maxOrigins && steps > 0; k++) {
    const origin = n - steps - k * originStride;
    if (origin < minFit) break;
    origins.push(origin);
  }
  return { steps, origins, scale: 0 };
}

/**
 * Candidate forecasts at every validation origin: forecasts[model][series][origin] (Float64Array
 * of plan.steps, or undefined where the model does not apply).
 */
export type OriginForecasts = (Float64Array | undefined)[][][];

export function localOriginForecasts(series: Float64Array[], plans: SeriesPlan[], models: LocalModelSpec[], periods: readonly number[]): OriginForecasts {
  return models.map((model) =>
    series.map((y, i) =>
      plans[i]!.origins.map((origin) => {
        const history = y.subarray(0, origin);
        return model.applies(history, periods) ? model.forecast(history, plans[i]!.steps, periods) : undefined;
      }),
    ),
  );
}

/**
 * Ridge forecasts at every origin, one model per penalty. At each origin the ridge is trained on
 * exactly the windows whose targets end by that origin (the window sets nest, so accumulating from
 * the earliest origin to the latest costs one pass; only the solves repeat). `series` are the
 * log-transformed histories; forecasts come back in the original units (exp, minus the offset).
 * Leaves the accumulator holding the windows up to each series' latest origin.
 */
export function ridgeOriginForecasts(
  series: { z: Float64Array; offset: number }[],
  plans: SeriesPlan[],
  accumulator: RidgeAccumulator,
  penalties: readonly number[],
): { forecasts: OriginForecasts; usable: boolean } {
  const settings: RidgeSettings = accumulator.settings;
  const forecasts: OriginForecasts = penalties.map(() => series.map((_, i) => plans[i]!.origins.map(() => undefined)));
  const mostOrigins = Math.max(0, ...plans.map((plan) => plan.origins.length));
  let usable = false;
  for (let k = mostOrigins - 1; k >= 0; k--) {
    series.forEach(({ z }, i) => {
      const { origins } = plans[i]!;
      if (k < origins.length) accumulator.add(z, origins[k + 1] ?? -Infinity, origins[k]!);
    });
    penalties.forEach((penalty, p) => {
      const coefficients = accumulator.solve(penalty);
      if (coefficients === undefined) return;
      usable = true;
      series.forEach(({ z, offset }, i) => {
        const origin = plans[i]!.origins[k];
        if (origin === undefined || origin < settings.windowLength) return;
        forecasts[p]![i]![k] = fromLog(ridgeForecast(z.subarray(0, origin), coefficients, settings).subarray(0, plans[i]!.steps), offset);
      });
    });
  }
  return { forecasts, usable };
}

/**
 * OWA-like validation score of a per-series forecast choice: the mean over series of sMAPE and of
 * scaled MAE, each relative to the reference's (so neither measure dominates).
 */
export interface ValidationScore {
  smape: number;
  mase: number;
}

export function scoreForecasts(series: Float64Array[], plans: SeriesPlan[], pick: (i: number, k: number) => Float64Array | undefined): ValidationScore {
  let smapeSum = 0;
  let maseSum = 0;
  let counted = 0;
  series.forEach((y, i) => {
    const plan = plans[i]!;
    if (plan.origins.length === 0) return;
    let smapeSeries = 0;
    let maseSeries = 0;
    plan.origins.forEach((origin, k) => {
      const forecast = pick(i, k);
      const actual = y.subarray(origin, origin + plan.steps);
      if (forecast === undefined) {
        smapeSeries += 200;
        maseSeries += 1e3;
        return;
      }
      smapeSeries += smape(actual, forecast);
      let absolute = 0;
      for (let s = 0; s < plan.steps; s++) absolute += Math.abs(actual[s]! - forecast[s]!);
      maseSeries += absolute / plan.steps / plan.scale;
    });
    smapeSum += smapeSeries / plan.origins.length;
    maseSum += maseSeries / plan.origins.length;
    counted++;
  });
  return { smape: smapeSum / Math.max(counted, 1), mase: maseSum / Math.max(counted, 1) };
}

export function setScales(series: Float64Array[], plans: SeriesPlan[], periods: readonly number[]): void {
  series.forEach((y, i) => {
    const plan = plans[i]!;
    const earliest = plan.origins.at(-1) ?? y.length;
    const history = y.subarray(0, earliest);
    const period = Math.min(...periods.filter((p) => history.length > p), Infinity);
    let scale = seasonalScale(history, Number.isFinite(period) ? period : 1);
    if (!(scale > 0)) scale = meanAbsolute(history) || 1;
    plan.scale = scale;
  });
}

function meanAbsolute(y: Float64Array): number {
  let sum = 0;
  for (let t = 0; t < y.length; t++) sum += Math.abs(y[t]!);
  return y.length > 0 ? sum / y.length : 0;
}
