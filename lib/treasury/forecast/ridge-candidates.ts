import { rankModels } from './combination.js';
import { fromLog, logTransform, RidgeAccumulator, ridgeForecast, type RidgeSettings } from './global-ridge.js';
import { ridgeOriginForecasts, type OriginForecasts, type SeriesPlan } from './validation.js';

const ridgePenalties = [0.0001, 0.001, 0.01, 0.1] as const;

export interface RidgeCandidate {
  name: string;
  penalty: number;
  /** Validation forecasts, [series][origin]. */
  validation: OriginForecasts[number];
  /** Refits on the full histories (adds the windows validation held back) and forecasts series i. */
  final: () => (i: number) => Float64Array | undefined;
}

/**
 * The global ridge models, one per window shape: each picks its penalty on validation (against
 * `reference`, the first local model), then competes with the local models.
 */
export function ridgeCandidates(series: Float64Array[], plans: SeriesPlan[], horizon: number, periods: readonly number[], reference: OriginForecasts[number]): RidgeCandidate[] {
  const longest = Math.max(...periods);
  const shortest = Math.min(...periods);
  const shapes: (Omit<RidgeSettings, 'horizon'> & { name: string })[] = [
    { name: 'ridge', windowLength: 2 * longest, levelLength: longest, stride: 4, maxWindowsPerSeries: 400 },
    { name: 'ridge-scaled', windowLength: 2 * longest, levelLength: longest, stride: 4, maxWindowsPerSeries: 400, scalePeriod: shortest },
    { name: 'ridge-long-scaled', windowLength: 3 * longest, levelLength: longest, stride: 4, maxWindowsPerSeries: 400, scalePeriod: shortest },
    { name: 'ridge-day-scaled', windowLength: 2 * longest, levelLength: shortest, stride: 4, maxWindowsPerSeries: 400, scalePeriod: shortest },
  ];
  const logs = series.map(logTransform);
  const candidates: RidgeCandidate[] = [];
  for (const { name, ...shape } of shapes) {
    const settings: RidgeSettings = { ...shape, horizon };
    const accumulator = new RidgeAccumulator(settings);
    const ridge = ridgeOriginForecasts(logs, plans, accumulator, ridgePenalties);
    if (!ridge.usable) continue;
    const ranking = rankModels(series, plans, ['reference', ...ridgePenalties.map(String)], [reference, ...ridge.forecasts]);
    const penalty = Number(ranking.find((label) => label !== 'reference'));
    candidates.push({
      name,
      penalty,
      validation: ridge.forecasts[ridgePenalties.indexOf(penalty as (typeof ridgePenalties)[number])]!,
      final: () => {
        logs.forEach(({ z }, i) => accumulator.add(z, plans[i]!.origins[0] ?? -Infinity, z.length));
        const coefficients = accumulator.solve(penalty);
        return (i) => {
          const { z, offset } = logs[i]!;
          if (coefficients === undefined || z.length < settings.windowLength) return undefined;
          return fromLog(ridgeForecast(z, coefficients, settings), offset);
        };
      },
    });
  }
  return candidates;
}
