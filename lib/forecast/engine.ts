import { buildErrorModel, conformalBounds, samplePaths, seededRandom, type ErrorModel } from './calibration.js';
import { chooseCombination, combine, combinationLabel, rankModels } from './combination.js';
import { fromLog, logTransform, RidgeAccumulator, ridgeForecast, type RidgeSettings } from './global-ridge.js';
import { localModels } from './local-models.js';
import { localOriginForecasts, planSeries, ridgeOriginForecasts, setScales, type OriginForecasts } from './validation.js';

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
    strategy: 'pooled' | 'per-series';
    strategyScores: { pooled: number; perSeries: number };
    pooled: string;
    perSeries: string[];
    tried: { label: string; score: number }[];
    ridgePenalty: number | undefined;
  };
}

export const defaultPeriods = [24, 168] as const;
export const defaultLevels = [0.8, 0.95] as const;
const ridgePenalties = [0.001, 0.01, 0.1, 1] as const;

/**
 * Forecasts a batch of series (a global model is pooled across them; each still gets its own
 * intervals). Models and their combination are chosen by rolling-origin validation on the last
 * `horizon` steps of the histories, then every model is refitted on the full histories.
 */
export function forecastBatch(series: readonly Float64Array[], options: ForecastOptions): BatchForecast {
  const horizon = options.horizon;
  const periods = options.periods ?? defaultPeriods;
  const levels = options.levels ?? defaultLevels;
  const ys = series.slice();
  const origins = options.origins ?? Math.min(30, Math.max(6, Math.ceil(240 / Math.max(ys.length, 1))));
  const plans = ys.map((y) => planSeries(y.length, horizon, periods, origins, options.originStride ?? 24));
  setScales(ys, plans, periods);

  const locals = localModels(periods);
  const names = locals.map((model) => model.name);
  const forecasts: OriginForecasts = localOriginForecasts(ys, plans, locals, periods);

  const ridgeSettings = ridgeSettingsFor(ys, horizon, periods);
  const accumulator = new RidgeAccumulator(ridgeSettings);
  const logs = ys.map(logTransform);
  const ridge = ridgeOriginForecasts(logs, plans, accumulator, ridgePenalties);
  let ridgePenalty: number | undefined;
  if (ridge.usable) {
    // The penalty is itself chosen on validation, before the ridge competes with the others.
    const ranking = rankModels(ys, plans, ['reference', ...ridgePenalties.map(String)], [forecasts[0]!, ...ridge.forecasts]);
    ridgePenalty = Number(ranking.find((name) => name !== 'reference'));
    names.push('ridge');
    forecasts.push(ridge.forecasts[ridgePenalties.indexOf(ridgePenalty as (typeof ridgePenalties)[number])]!);
  }

  const choice = chooseCombination(ys, plans, names, forecasts);
  const index = new Map(names.map((name, m) => [name, m]));
  const memberIndexes = choice.perSeries.map((combination) => combination.members.map((name) => index.get(name)!));
  const fallbackIndexes = choice.ranking.map((name) => index.get(name)!);
  const validationForecast = (i: number, k: number) =>
    combine(
      memberIndexes[i]!.map((m) => forecasts[m]![i]![k]),
      fallbackIndexes.map((m) => forecasts[m]![i]![k]),
      choice.perSeries[i]!.kind,
    );
  const errorModel = buildErrorModel(ys, plans, validationForecast, horizon);

  // Refit on the full histories: the ridge adds the windows the validation held back.
  let coefficients: Float64Array | undefined;
  if (ridgePenalty !== undefined) {
    logs.forEach(({ z }, i) => accumulator.add(z, plans[i]!.origins.at(-1) ?? -Infinity, z.length));
    coefficients = accumulator.solve(ridgePenalty);
  }
  const random = seededRandom(options.seed ?? 1);
  const results = ys.map((y, i) => {
    const candidates = names.map((name, m) => {
      if (name === 'ridge') {
        if (coefficients === undefined || y.length < ridgeSettings.windowLength) return undefined;
        return fromLog(ridgeForecast(logs[i]!.z, coefficients, ridgeSettings), logs[i]!.offset);
      }
      const model = locals[m]!;
      return model.applies(y, periods) ? model.forecast(y, horizon, periods) : undefined;
    });
    const mean = combine(
      memberIndexes[i]!.map((m) => candidates[m]),
      fallbackIndexes.map((m) => candidates[m]),
      choice.perSeries[i]!.kind,
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
      ridgePenalty,
    },
  };
}

/** One series on its own (its intervals and paths rest on its own validation errors only). */
export function forecastSeries(y: Float64Array, options: ForecastOptions): SeriesForecast & { selection: BatchForecast['selection'] } {
  const batch = forecastBatch([y], options);
  return { ...batch.forecasts[0]!, selection: batch.selection };
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

/** Two cycles of the longest period that most series can afford, level over the last cycle. */
function ridgeSettingsFor(series: Float64Array[], horizon: number, periods: readonly number[]): RidgeSettings {
  const longest = Math.max(...periods);
  return { windowLength: 2 * longest, levelLength: longest, horizon, stride: 4, maxWindowsPerSeries: 400 };
}
