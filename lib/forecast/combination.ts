import { scoreForecasts, type OriginForecasts, type SeriesPlan } from './validation.js';

/** A way to combine candidate models: which ones, and mean, median or weighted mean of them. */
export interface Combination {
  members: string[];
  kind: 'mean' | 'median' | 'weighted';
  /** For `weighted`: one weight per member (renormalised over the members available). */
  weights?: number[];
}

export function combinationLabel(combination: Combination): string {
  if (combination.kind === 'weighted') {
    const parts = combination.members.map((name, member) => [name, combination.weights![member]!] as const).filter(([, weight]) => weight > 0);
    return `weighted(${parts.map(([name, weight]) => `${name}:${weight.toFixed(1)}`).join('+')})`;
  }
  return combination.members.length === 1 ? combination.members[0]! : `${combination.kind}(${combination.members.join('+')})`;
}

/**
 * Combines the members available for one series; when none is, falls back to the first available
 * model in `fallbackOrder` (best single model first), so a short series still gets a forecast.
 */
export function combine(members: (Float64Array | undefined)[], fallback: (Float64Array | undefined)[], kind: Combination['kind'], weights?: number[]): Float64Array | undefined {
  const available = members.filter((forecast): forecast is Float64Array => forecast !== undefined);
  if (available.length === 0) return fallback.find((forecast) => forecast !== undefined);
  const steps = available[0]!.length;
  const out = new Float64Array(steps);
  if (kind === 'weighted') {
    let total = 0;
    members.forEach((forecast, member) => (total += forecast === undefined ? 0 : weights![member]!));
    members.forEach((forecast, member) => {
      if (forecast === undefined) return;
      const weight = total > 0 ? weights![member]! / total : 1 / available.length;
      for (let step = 0; step < steps; step++) out[step]! += weight * forecast[step]!;
    });
    return out;
  }
  if (kind === 'mean' || available.length <= 2) {
    for (const forecast of available) for (let step = 0; step < steps; step++) out[step]! += forecast[step]! / available.length;
    return out;
  }
  const column = new Float64Array(available.length);
  for (let step = 0; step < steps; step++) {
    available.forEach((forecast, member) => (column[member] = forecast[step]!));
    column.sort();
    const middle = column.length >> 1;
    out[step] = column.length % 2 === 1 ? column[middle]! : (column[middle - 1]! + column[middle]!) / 2;
  }
  return out;
}

/**
 * Candidate combinations: every single model, the mean and the median of all, and the means (and
 * medians) of the best 2..5 single models by pooled validation score.
 */
function candidateCombinations(names: string[], ranking: string[]): Combination[] {
  const candidates: Combination[] = [
    ...names.map((name) => ({ members: [name], kind: 'mean' as const })),
    { members: names, kind: 'mean' },
    { members: names, kind: 'median' },
  ];
  for (let size = 2; size <= Math.min(5, ranking.length - 1); size++) candidates.push({ members: ranking.slice(0, size), kind: 'mean' });
  for (let size = 3; size <= Math.min(5, ranking.length - 1); size++) candidates.push({ members: ranking.slice(0, size), kind: 'median' });
  return candidates;
}

/**
 * One combination for the batch, each series its best combination (of all, or of the six pooled
 * best), or each series a weighted mean of its best models.
 */
export type Strategy = 'pooled' | 'per-series' | 'per-series-top' | 'weighted';

export interface SelectionResult {
  /** The combination each series uses. */
  perSeries: Combination[];
  strategy: Strategy;
  /** Pooled choice, and the score of each candidate (OWA-like, relative to the first model), best first. */
  pooled: Combination;
  tried: { label: string; score: number }[];
  /** Nested cross-validation score of each strategy (OWA-like, relative to the first model). */
  strategyScores: Record<Strategy, number>;
  ranking: string[];
  /**
   * Validation forecast of a series at an origin by the winning strategy chosen without that origin
   * and the origins overlapping it: the errors intervals are calibrated on, free of selection optimism.
   */
  heldOut: (seriesIndex: number, originIndex: number) => Float64Array | undefined;
}

/** Which validation origins a choice may look at (by origin index). */
type OriginFilter = (originIndex: number) => boolean;
type Score = { smape: number; mase: number };

/** What every chooser reads: the batch, the candidates and their validation forecasts, computed once. */
interface Validation {
  series: Float64Array[];
  plans: SeriesPlan[];
  names: string[];
  forecasts: OriginForecasts;
  candidates: Combination[];
  /** Combined validation forecasts: [candidate][series][origin]. */
  combined: (Float64Array | undefined)[][][];
  /** Model indexes, best single model first: what a series falls back on when none of a combination's members forecast. */
  fallbackModels: number[];
  /** A score relative to the first model's (OWA-like): below 1 is better than it. */
  overall: (score: Score) => number;
}

/**
 * Chooses how each series combines the candidates. Three strategies compete: one combination for the
 * whole batch (best pooled validation score) and one per series (best on its own validation
 * errors) and one weighted mean per series. The competition is honest (nested cross-validation,
 * see heldOutContest); the winner then chooses again on all origins.
 */
export function chooseCombination(series: Float64Array[], plans: SeriesPlan[], names: string[], forecasts: OriginForecasts, originStride: number): SelectionResult {
  const ranking = rankModels(series, plans, names, forecasts);
  const validation = validate(series, plans, names, forecasts, ranking);
  const choosers = strategyChoosers(validation);
  const contest = heldOutContest(validation, choosers, originStride);
  const winner = contest[0]!;
  const everyOrigin = () => true;
  const pooledRanking = pooledChoice(validation, everyOrigin);
  return {
    heldOut: winner.heldOut,
    perSeries: choosers[winner.strategy](everyOrigin),
    strategy: winner.strategy,
    pooled: validation.candidates[pooledRanking[0]!.candidate]!,
    tried: pooledRanking.map(({ candidate, score }) => ({ label: combinationLabel(validation.candidates[candidate]!), score })),
    strategyScores: Object.fromEntries(contest.map(({ strategy, score }) => [strategy, score])) as Record<Strategy, number>,
    ranking,
  };
}

function validate(series: Float64Array[], plans: SeriesPlan[], names: string[], forecasts: OriginForecasts, ranking: string[]): Validation {
  const modelIndex = new Map(names.map((name, model) => [name, model]));
  const reference = scoreForecasts(series, plans, (seriesIndex, originIndex) => forecasts[0]![seriesIndex]![originIndex]);
  const candidates = candidateCombinations(names, ranking);
  const fallbackModels = ranking.map((name) => modelIndex.get(name)!);
  const combined = candidates.map((combination) => {
    const memberModels = combination.members.map((name) => modelIndex.get(name)!);
    return series.map((_, seriesIndex) =>
      plans[seriesIndex]!.origins.map((_origin, originIndex) => {
        const forecastsBy = (model: number) => forecasts[model]![seriesIndex]![originIndex];
        return combine(memberModels.map(forecastsBy), fallbackModels.map(forecastsBy), combination.kind);
      }),
    );
  });
  const overall = (score: Score) => 0.5 * (score.smape / reference.smape + score.mase / reference.mase);
  return { series, plans, names, forecasts, candidates, combined, fallbackModels, overall };
}

/** A series' mean absolute error under one candidate, over the chosen origins (its own history); Infinity where it has no forecast. */
function ownError(validation: Validation, candidate: number, seriesIndex: number, useOrigin: OriginFilter): number {
  const plan = validation.plans[seriesIndex]!;
  const actual = validation.series[seriesIndex]!;
  let sum = 0;
  plan.origins.forEach((origin, originIndex) => {
    if (!useOrigin(originIndex)) return;
    const forecast = validation.combined[candidate]![seriesIndex]![originIndex];
    if (forecast === undefined) return void (sum = Infinity);
    for (let step = 0; step < plan.steps; step++) sum += Math.abs(actual[origin + step]! - forecast[step]!);
  });
  return sum;
}

/** Every candidate with its pooled score over the chosen origins, best first. */
function pooledChoice(validation: Validation, useOrigin: OriginFilter): { candidate: number; score: number }[] {
  const { series, plans, candidates, combined, overall } = validation;
  return candidates
    .map((_, candidate) => ({
      candidate,
      score: overall(scoreOrigins(series, plans, (seriesIndex, originIndex) => (useOrigin(originIndex) ? combined[candidate]![seriesIndex]![originIndex] : null))),
    }))
    .sort((a, b) => a.score - b.score);
}

/** Per series, the allowed candidate with the least error on its own history. */
function perSeriesChoice(validation: Validation, useOrigin: OriginFilter, allowed: readonly number[] = validation.candidates.map((_, candidate) => candidate)): number[] {
  return validation.series.map((_, seriesIndex) => {
    let best = allowed[0]!;
    let bestError = Infinity;
    for (const candidate of allowed) {
      const error = ownError(validation, candidate, seriesIndex, useOrigin);
      if (error < bestError) [best, bestError] = [candidate, error];
    }
    return best;
  });
}

/**
 * Each series weights its three best single models by inverse squared validation error. The single
 * models are the first candidates (candidateCombinations), so a model's index is its candidate's.
 */
function weightedChoice(validation: Validation, useOrigin: OriginFilter): Combination[] {
  const { names } = validation;
  return validation.series.map((_, seriesIndex) => {
    const errors = names.map((_name, model) => ownError(validation, model, seriesIndex, useOrigin));
    const best = names.map((_name, model) => model).filter((model) => Number.isFinite(errors[model]!)).sort((a, b) => errors[a]! - errors[b]!).slice(0, 3);
    const weights = names.map(() => 0);
    for (const model of best) weights[model] = 1 / Math.max(errors[model]!, 1e-12) ** 2;
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    return { members: names, kind: 'weighted', weights: weights.map((weight) => (total > 0 ? weight / total : 1 / names.length)) };
  });
}

type Chooser = (useOrigin: OriginFilter) => Combination[];

function strategyChoosers(validation: Validation): Record<Strategy, Chooser> {
  const { series, candidates } = validation;
  return {
    pooled: (useOrigin) => {
      const best = pooledChoice(validation, useOrigin)[0]!.candidate;
      return series.map(() => candidates[best]!);
    },
    'per-series': (useOrigin) => perSeriesChoice(validation, useOrigin).map((candidate) => candidates[candidate]!),
    // Fewer, pooled-best candidates: less selection noise when each series has few origins.
    'per-series-top': (useOrigin) => {
      const top = pooledChoice(validation, useOrigin).slice(0, 6).map(({ candidate }) => candidate);
      return perSeriesChoice(validation, useOrigin, top).map((candidate) => candidates[candidate]!);
    },
    weighted: (useOrigin) => weightedChoice(validation, useOrigin),
  };
}

/** The validation forecast of series `seriesIndex` at origin `originIndex` under a chosen combination. */
function forecastWith(validation: Validation, combination: Combination, seriesIndex: number, originIndex: number): Float64Array | undefined {
  const forecastsBy = (model: number) => validation.forecasts[model]![seriesIndex]![originIndex];
  if (combination.kind === 'weighted') {
    const singleModels = validation.names.map((_name, model) => model);
    return combine(singleModels.map(forecastsBy), validation.fallbackModels.map(forecastsBy), 'weighted', combination.weights);
  }
  return validation.combined[validation.candidates.indexOf(combination)]![seriesIndex]![originIndex];
}

/**
 * The strategy contest, by nested cross-validation, best first: at each origin, a strategy chooses on
 * the origins whose scored steps do not overlap it (fewer than `apart` strides away would), and is
 * scored there. The same held-out forecasts later calibrate the intervals.
 */
function heldOutContest(validation: Validation, choosers: Record<Strategy, Chooser>, originStride: number) {
  const { series, plans, overall } = validation;
  const steps = Math.max(1, ...plans.map((plan) => plan.steps));
  const apart = Math.ceil(steps / originStride);
  const disjointFrom = (originIndex: number) => (other: number) => Math.abs(other - originIndex) >= apart;
  const mostOrigins = Math.max(0, ...plans.map((plan) => plan.origins.length));
  const contest = (Object.keys(choosers) as Strategy[]).map((strategy) => {
    const heldOutChoices = Array.from({ length: mostOrigins }, (_, originIndex) => choosers[strategy](disjointFrom(originIndex)));
    const heldOut = (seriesIndex: number, originIndex: number) => forecastWith(validation, heldOutChoices[originIndex]![seriesIndex]!, seriesIndex, originIndex);
    return { strategy, heldOut, score: overall(scoreForecasts(series, plans, heldOut)) };
  });
  return contest.sort((a, b) => a.score - b.score);
}

/** Model names by pooled validation score (OWA-like, relative to the first model), best first. */
export function rankModels(series: Float64Array[], plans: SeriesPlan[], names: string[], forecasts: OriginForecasts): string[] {
  const reference = scoreForecasts(series, plans, (seriesIndex, originIndex) => forecasts[0]![seriesIndex]![originIndex]);
  return names
    .map((name, model) => {
      const score = scoreForecasts(series, plans, (seriesIndex, originIndex) => forecasts[model]![seriesIndex]![originIndex]);
      return { name, score: 0.5 * (score.smape / reference.smape + score.mase / reference.mase) };
    })
    .sort((a, b) => a.score - b.score)
    .map((single) => single.name);
}

/** scoreForecasts over the origins where `pick` does not return null (skipped). */
function scoreOrigins(series: Float64Array[], plans: SeriesPlan[], pick: (seriesIndex: number, originIndex: number) => Float64Array | undefined | null) {
  const kept = plans.map((plan, seriesIndex) => {
    const origins = plan.origins.filter((_, originIndex) => pick(seriesIndex, originIndex) !== null);
    const indexes = plan.origins.map((_, originIndex) => originIndex).filter((originIndex) => pick(seriesIndex, originIndex) !== null);
    return { plan: { ...plan, origins }, indexes };
  });
  return scoreForecasts(series, kept.map(({ plan }) => plan), (seriesIndex, keptIndex) => pick(seriesIndex, kept[seriesIndex]!.indexes[keptIndex]!) ?? undefined);
}
