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
    const parts = combination.members.map((name, m) => [name, combination.weights![m]!] as const).filter(([, weight]) => weight > 0);
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
    members.forEach((forecast, m) => (total += forecast === undefined ? 0 : weights![m]!));
    members.forEach((forecast, m) => {
      if (forecast === undefined) return;
      const weight = total > 0 ? weights![m]! / total : 1 / available.length;
      for (let s = 0; s < steps; s++) out[s]! += weight * forecast[s]!;
    });
    return out;
  }
  if (kind === 'mean' || available.length <= 2) {
    for (const forecast of available) for (let s = 0; s < steps; s++) out[s]! += forecast[s]! / available.length;
    return out;
  }
  const column = new Float64Array(available.length);
  for (let s = 0; s < steps; s++) {
    available.forEach((forecast, m) => (column[m] = forecast[s]!));
    column.sort();
    const middle = column.length >> 1;
    out[s] = column.length % 2 === 1 ? column[middle]! : (column[middle - 1]! + column[middle]!) / 2;
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
  for (let k = 2; k <= Math.min(5, ranking.length - 1); k++) candidates.push({ members: ranking.slice(0, k), kind: 'mean' });
  for (let k = 3; k <= Math.min(5, ranking.length - 1); k++) candidates.push({ members: ranking.slice(0, k), kind: 'median' });
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
   * Validation forecast of series i at origin k by the winning strategy chosen without origin k and
   * the origins overlapping it: the errors intervals are calibrated on, free of selection optimism.
   */
  heldOut: (i: number, k: number) => Float64Array | undefined;
}

/**
 * Chooses how each series combines the candidates. Three strategies compete: one combination for the
 * whole batch (best pooled validation score) and one per series (best on its own validation
 * errors) and one weighted mean per series. The competition is honest (nested cross-validation,
 * see below); the winner then chooses again on all origins.
 */
export function chooseCombination(series: Float64Array[], plans: SeriesPlan[], names: string[], forecasts: OriginForecasts, originStride: number): SelectionResult {
  const index = new Map(names.map((name, m) => [name, m]));
  const everyOrigin = () => true;
  const relativeTo = (reference: { smape: number; mase: number }) => (score: { smape: number; mase: number }) =>
    0.5 * (score.smape / reference.smape + score.mase / reference.mase);
  const overall = relativeTo(scoreForecasts(series, plans, (i, k) => forecasts[0]![i]![k]));
  const ranking = rankModels(series, plans, names, forecasts);
  const candidates = candidateCombinations(names, ranking);
  const fallbackIndexes = ranking.map((name) => index.get(name)!);
  // Combined validation forecasts of every candidate, computed once: [candidate][series][origin].
  const combined = candidates.map((combination) => {
    const memberIndexes = combination.members.map((name) => index.get(name)!);
    return series.map((_, i) =>
      plans[i]!.origins.map((__, k) =>
        combine(memberIndexes.map((m) => forecasts[m]![i]![k]), fallbackIndexes.map((m) => forecasts[m]![i]![k]), combination.kind),
      ),
    );
  });
  // Per series and candidate: mean absolute error over the chosen origins (its own history).
  const ownError = (c: number, i: number, useOrigin: (k: number) => boolean) => {
    const plan = plans[i]!;
    let sum = 0;
    plan.origins.forEach((origin, k) => {
      if (!useOrigin(k)) return;
      const forecast = combined[c]![i]![k];
      if (forecast === undefined) return void (sum = Infinity);
      for (let s = 0; s < plan.steps; s++) sum += Math.abs(series[i]![origin + s]! - forecast[s]!);
    });
    return sum;
  };
  const pooledChoice = (useOrigin: (k: number) => boolean, score: (s: { smape: number; mase: number }) => number) =>
    candidates
      .map((_, c) => ({ c, score: score(scoreOrigins(series, plans, (i, k) => (useOrigin(k) ? combined[c]![i]![k] : null))) }))
      .sort((a, b) => a.score - b.score);
  const perSeriesChoice = (useOrigin: (k: number) => boolean, allowed: readonly number[] = candidates.map((_, c) => c)) =>
    series.map((_, i) => {
      let best = allowed[0]!;
      let bestError = Infinity;
      for (const c of allowed) {
        const error = ownError(c, i, useOrigin);
        if (error < bestError) [best, bestError] = [c, error];
      }
      return best;
    });

  // Each series weights its three best single models by inverse squared validation error.
  const singleIndexes = names.map((name) => index.get(name)!);
  const weightedChoice = (useOrigin: (k: number) => boolean): Combination[] =>
    series.map((_, i) => {
      const errors = names.map((__, m) => ownError(m, i, useOrigin));
      const best = singleIndexes.filter((m) => Number.isFinite(errors[m]!)).sort((a, b) => errors[a]! - errors[b]!).slice(0, 3);
      const weights = names.map(() => 0);
      for (const m of best) weights[m] = 1 / Math.max(errors[m]!, 1e-12) ** 2;
      const total = weights.reduce((sum, weight) => sum + weight, 0);
      return { members: names, kind: 'weighted', weights: weights.map((weight) => (total > 0 ? weight / total : 1 / names.length)) };
    });
  const weightedForecast = (combination: Combination, i: number, k: number) =>
    combine(singleIndexes.map((m) => forecasts[m]![i]![k]), fallbackIndexes.map((m) => forecasts[m]![i]![k]), 'weighted', combination.weights);

  // The strategy contest, by nested cross-validation: at each origin k, a strategy chooses on the
  // origins whose scored steps do not overlap k's (fewer than `apart` strides away would), and is
  // scored at k. The same held-out forecasts later calibrate the intervals.
  const steps = Math.max(1, ...plans.map((plan) => plan.steps));
  const apart = Math.ceil(steps / originStride);
  const disjointFrom = (k: number) => (j: number) => Math.abs(j - k) >= apart;
  const strategyChoosers: Record<Strategy, (useOrigin: (k: number) => boolean) => Combination[]> = {
    pooled: (useOrigin) => {
      const c = pooledChoice(useOrigin, overall)[0]!.c;
      return series.map(() => candidates[c]!);
    },
    'per-series': (useOrigin) => perSeriesChoice(useOrigin).map((c) => candidates[c]!),
    // Fewer, pooled-best candidates: less selection noise when each series has few origins.
    'per-series-top': (useOrigin) => {
      const top = pooledChoice(useOrigin, overall).slice(0, 6).map(({ c }) => c);
      return perSeriesChoice(useOrigin, top).map((c) => candidates[c]!);
    },
    weighted: weightedChoice,
  };
  const candidateIndex = new Map(candidates.map((combination, c) => [combination, c]));
  const forecastWith = (combination: Combination, i: number, k: number) =>
    combination.kind === 'weighted' ? weightedForecast(combination, i, k) : combined[candidateIndex.get(combination)!]![i]![k];
  const mostOrigins = Math.max(0, ...plans.map((plan) => plan.origins.length));
  const contest = (Object.keys(strategyChoosers) as Strategy[]).map((strategy) => {
    const heldOutChoices = Array.from({ length: mostOrigins }, (_, k) => strategyChoosers[strategy](disjointFrom(k)));
    const heldOut = (i: number, k: number) => forecastWith(heldOutChoices[k]![i]!, i, k);
    return { strategy, heldOut, score: overall(scoreForecasts(series, plans, heldOut)) };
  });
  contest.sort((a, b) => a.score - b.score);
  const winner = contest[0]!;
  const pooledRanking = pooledChoice(everyOrigin, overall);
  return {
    heldOut: winner.heldOut,
    perSeries: strategyChoosers[winner.strategy](everyOrigin),
    strategy: winner.strategy,
    pooled: candidates[pooledRanking[0]!.c]!,
    tried: pooledRanking.map(({ c, score }) => ({ label: combinationLabel(candidates[c]!), score })),
    strategyScores: Object.fromEntries(contest.map(({ strategy, score }) => [strategy, score])) as Record<Strategy, number>,
    ranking,
  };
}

/** Model names by pooled validation score (OWA-like, relative to the first model), best first. */
export function rankModels(series: Float64Array[], plans: SeriesPlan[], names: string[], forecasts: OriginForecasts): string[] {
  const reference = scoreForecasts(series, plans, (i, k) => forecasts[0]![i]![k]);
  return names
    .map((name, m) => {
      const score = scoreForecasts(series, plans, (i, k) => forecasts[m]![i]![k]);
      return { name, score: 0.5 * (score.smape / reference.smape + score.mase / reference.mase) };
    })
    .sort((a, b) => a.score - b.score)
    .map((single) => single.name);
}

/** scoreForecasts over the origins where `pick` does not return null (skipped). */
function scoreOrigins(series: Float64Array[], plans: SeriesPlan[], pick: (i: number, k: number) => Float64Array | undefined | null) {
  const kept = plans.map((plan, i) => {
    const origins = plan.origins.filter((_, k) => pick(i, k) !== null);
    const indexes = plan.origins.map((_, k) => k).filter((k) => pick(i, k) !== null);
    return { plan: { ...plan, origins }, indexes };
  });
  return scoreForecasts(series, kept.map(({ plan }) => plan), (i, k) => pick(i, kept[i]!.indexes[k]!) ?? undefined);
}
