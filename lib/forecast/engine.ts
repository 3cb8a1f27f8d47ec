import { buildErrorModel, conformalBounds, samplePaths, seededRandom, type ErrorModel } from './calibration.js';
import { chooseCombination, combine, combinationLabel, type Strategy } from './combination.js';
import { ForecastOptionsError } from './errors.js';
import { ridgeCandidates } from './ridge-candidates.js';
import { localModels } from './local-models.js';
import { localOriginForecasts, planSeries, setScales, type OriginForecasts } from './validation.js';

export interface ForecastOptions {
  /** Steps ahead to forecast (hours). */
  horizon: number;
  /** Seasonal periods in steps; default daily and weekly for hourly data. */
  periods?: readonly number[];
  /** Interval coverage levels; default 0.8 and 0.95. */
  levels?: readonly number[];
  /**
   * Rolling validation origins per series (latest first, `originStride` apart). Default: enough for
   * about 240 error trajectories in the batch, between 6 and 30 per series (a lone series gets 30
   * when its history allows); stride 24.
   */
  origins?: number;
  originStride?: number;
  /** Simulated sample paths per series (0 for none). */
  pathCount?: number;
  blockLength?: number;
  seed?: number;
}

export interface PredictionInterval {
  level: number;
  lower: Float64Array;
  upper: Float64Array;
}

export interface SeriesForecast {
  mean: Float64Array;
  intervals: PredictionInterval[];
  /** `pathCount` simulated futures of `horizon` steps each. */
  paths: Float64Array[];
}

export interface BatchForecast {
  forecasts: SeriesForecast[];
  /** How the combination was chosen: validation scores (OWA-like, relative to the first model). */
  selection: {
    /** One combination for the batch, or each series its own: whichever scored better on the latest origin. */
    strategy: Strategy;
    strategyScores: Record<Strategy, number>;
    pooled: string;
    perSeries: string[];
    tried: { label: string; score: number }[];
    ridgePenalties: Record<string, number>;
  };
}

export const defaultPeriods = [24, 168] as const;
export const defaultLevels = [0.8, 0.95] as const;

/**
 * Forecasts a batch of series (a global model is pooled across them; each still gets its own
 * intervals). Models and their combination are chosen by rolling-origin validation on the last
 * `horizon` steps of the histories, then every model is refitted on the full histories.
 */
export function forecastBatch(series: readonly Float64Array[], options: ForecastOptions): BatchForecast {
  const horizon = options.horizon;
  const periods = options.periods ?? defaultPeriods;
  const levels = options.levels ?? defaultLevels;
  assertOptions(horizon, periods, levels);
  const ys = series.slice();
  const origins = options.origins ?? Math.min(30, Math.max(6, Math.ceil(240 / Math.max(ys.length, 1))));
  const originStride = options.originStride ?? 24;
  const plans = ys.map((y) => planSeries(y.length, horizon, periods, origins, originStride));
  setScales(ys, plans, periods);

  const locals = localModels(periods);
  const names = locals.map((model) => model.name);
  const forecasts: OriginForecasts = localOriginForecasts(ys, plans, locals, periods);

  const ridges = ridgeCandidates(ys, plans, horizon, periods, forecasts[0]!);
  for (const ridge of ridges) {
    names.push(ridge.name);
    forecasts.push(ridge.validation);
  }

  const choice = chooseCombination(ys, plans, names, forecasts, originStride);
  const index = new Map(names.map((name, m) => [name, m]));
  const memberIndexes = choice.perSeries.map((combination) => combination.members.map((name) => index.get(name)!));
  const fallbackIndexes = choice.ranking.map((name) => index.get(name)!);
  const errorModel = buildErrorModel(ys, plans, choice.heldOut, horizon);

  // Refit on the full histories.
  const ridgeFinals = new Map(ridges.map((ridge) => [ridge.name, ridge.final()]));
  const random = seededRandom(options.seed ?? 1);
  const results = ys.map((y, i) => {
    const candidates = names.map((name, m) => {
      const ridge = ridgeFinals.get(name);
      if (ridge !== undefined) return ridge(i);
      const model = locals[m]!;
      return model.applies(y, periods) ? model.forecast(y, horizon, periods) : undefined;
    });
    const mean = combine(
      memberIndexes[i]!.map((m) => candidates[m]),
      fallbackIndexes.map((m) => candidates[m]),
      choice.perSeries[i]!.kind,
      choice.perSeries[i]!.weights,
    ) ?? new Float64Array(horizon).fill(y[y.length - 1] ?? 0);
    return seriesForecast(mean, errorModel, errorModel.scales[i]!, levels, options, random);
  });
  return {
    forecasts: results,
    selection: {
      strategy: choice.strategy,
      strategyScores: choice.strategyScores,
      pooled: combinationLabel(choice.pooled),
      perSeries: choice.perSeries.map(combinationLabel),
      tried: choice.tried,
      ridgePenalties: Object.fromEntries(ridges.map((ridge) => [ridge.name, ridge.penalty])),
    },
  };
}

/** One series on its own (its intervals and paths rest on its own validation errors only). */
export function forecastSeries(y: Float64Array, options: ForecastOptions): SeriesForecast & { selection: BatchForecast['selection'] } {
  const batch = forecastBatch([y], options);
  return { ...batch.forecasts[0]!, selection: batch.selection };
}

function assertOptions(horizon: number, periods: readonly number[], levels: readonly number[]): void {
  if (!Number.isInteger(horizon) || horizon < 1) throw new ForecastOptionsError(`horizon ${horizon} is not a whole number ≥ 1`);
  if (periods.length === 0 || !periods.every((period) => Number.isInteger(period) && period >= 1)) {
    throw new ForecastOptionsError(`seasonal periods ${periods.join(',')} must be whole numbers ≥ 1`);
  }
  if (!levels.every((level) => level > 0 && level < 1)) throw new ForecastOptionsError(`interval levels ${levels.join(',')} must be strictly between 0 and 1`);
}

function seriesForecast(mean: Float64Array, errorModel: ErrorModel, scale: number, levels: readonly number[], options: ForecastOptions, random: () => number): SeriesForecast {
  const horizon = mean.length;
  const intervals = levels.map((level) => {
    const lower = new Float64Array(horizon);
    const upper = new Float64Array(horizon);
    for (let s = 0; s < horizon; s++) {
      const bounds = conformalBounds(errorModel, s, level);
      lower[s] = mean[s]! + scale * Math.min(bounds.lower, 0);
      upper[s] = mean[s]! + scale * Math.max(bounds.upper, 0);
    }
    return { level, lower, upper };
  });
  const paths = samplePaths(mean, scale, errorModel, options.pathCount ?? 0, random, options.blockLength ?? 24);
  return { mean, intervals, paths };
}
