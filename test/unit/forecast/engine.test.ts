import { describe, expect, it } from 'vitest';
import { seededRandom } from '#lib/treasury/forecast/calibration.js';
import { forecastBatch, forecastSeries } from '#lib/treasury/forecast/engine.js';

const horizon = 48;

/** Daily and weekly shape around a level (hourly steps). */
function seasonal(t: number): number {
  return 100 + 20 * Math.sin((2 * Math.PI * t) / 24) + 8 * Math.cos((2 * Math.PI * t) / 168);
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** A seasonal series with iid Gaussian noise; `length` observed points, then `horizon` future ones. */
function simulated(random: () => number, length: number, noise: number): { history: Float64Array; future: Float64Array } {
  const all = Float64Array.from({ length: length + horizon }, (_, t) => seasonal(t) * (0.8 + 0.4 * (length % 7) / 7) + noise * gaussian(random));
  return { history: all.subarray(0, length), future: all.subarray(length) };
}

function coverage(pairs: { future: Float64Array; lower: Float64Array; upper: Float64Array }[]): number {
  let inside = 0;
  let total = 0;
  for (const { future, lower, upper } of pairs) {
    for (let s = 0; s < future.length; s++) {
      if (future[s]! >= lower[s]! && future[s]! <= upper[s]!) inside++;
      total++;
    }
  }
  return inside / total;
}

describe('forecastSeries', () => {
  it('recovers a pure daily and weekly seasonality exactly', () => {
    const history = Float64Array.from({ length: 4 * 168 }, (_, t) => seasonal(t));

    const forecast = forecastSeries(history, { horizon });

    for (let s = 0; s < horizon; s++) expect(forecast.mean[s]).toBeCloseTo(seasonal(history.length + s), 6);
  });

  it('gives nested intervals around the mean and paths of the horizon length', () => {
    const { history } = simulated(seededRandom(7), 5 * 168, 3);

    const forecast = forecastSeries(history, { horizon, pathCount: 50 });

    const [i80, i95] = forecast.intervals;
    for (let s = 0; s < horizon; s++) {
      expect(i95!.lower[s]).toBeLessThanOrEqual(i80!.lower[s]!);
      expect(i80!.lower[s]).toBeLessThanOrEqual(forecast.mean[s]!);
      expect(forecast.mean[s]).toBeLessThanOrEqual(i80!.upper[s]!);
      expect(i80!.upper[s]).toBeLessThanOrEqual(i95!.upper[s]!);
    }
    expect(forecast.paths).toHaveLength(50);
    expect(forecast.paths.every((path) => path.length === horizon)).toBe(true);
  });
});

describe('forecastBatch intervals', () => {
  // 150 series × 48 steps = 7,200 checks. With iid noise the misses are close to independent:
  // the binomial sd of a 95 % rate is sqrt(0.95·0.05/7200) ≈ 0.26 %, of an 80 % rate ≈ 0.47 %.
  // Split-conformal quantiles from a finite calibration set add their own spread (≈ 1 %), so the
  // tolerance is ±2.5 points at 95 % and ±4 at 80 %: a miscalibrated engine (say a normal
  // interval from one-step residuals, or no widening with the horizon) falls well outside.
  it('cover simulated futures at the stated 80 % and 95 % rates', { timeout: 60_000 }, () => {
    const random = seededRandom(42);
    const cases = Array.from({ length: 150 }, (_, i) => simulated(random, 4 * 168 + (i % 5) * 24, 2 + (i % 4)));

    const batch = forecastBatch(cases.map(({ history }) => history), { horizon });

    const at = (level: number) =>
      coverage(
        batch.forecasts.map((forecast, i) => {
          const interval = forecast.intervals.find((candidate) => candidate.level === level)!;
          return { future: cases[i]!.future, lower: interval.lower, upper: interval.upper };
        }),
      );
    expect(Math.abs(at(0.95) - 0.95)).toBeLessThan(0.025);
    expect(Math.abs(at(0.8) - 0.8)).toBeLessThan(0.04);
  });

  it('calibrates a lone series on its own history: paths cover like the intervals', { timeout: 60_000 }, () => {
    const random = seededRandom(3);
    const cases = Array.from({ length: 24 }, () => simulated(random, 8 * 168, 4));

    const forecasts = cases.map(({ history }, i) => forecastSeries(history, { horizon, pathCount: 400, seed: i + 1 }));

    // Per-step 2.5 % and 97.5 % quantiles of the paths form a 95 % band.
    const bands = forecasts.map((forecast, i) => {
      const lower = new Float64Array(horizon);
      const upper = new Float64Array(horizon);
      for (let s = 0; s < horizon; s++) {
        const values = Float64Array.from(forecast.paths, (path) => path[s]!).sort();
        lower[s] = values[Math.floor(0.025 * values.length)]!;
        upper[s] = values[Math.ceil(0.975 * values.length) - 1]!;
      }
      return { future: cases[i]!.future, lower, upper };
    });
    // 1,152 checks but only 24 independent calibrations (30 origins each): ±5 points.
    expect(Math.abs(coverage(bands) - 0.95)).toBeLessThan(0.05);
  });
});

describe('forecastSeries on awkward histories', () => {
  it.each([
    ['all zeros', new Float64Array(500)],
    ['constant', new Float64Array(500).fill(7)],
    ['zero at night', Float64Array.from({ length: 800 }, (_, t) => (t % 24 > 8 && t % 24 < 18 ? (t * 7919) % 100 : 0))],
    ['only two days', Float64Array.from({ length: 48 }, (_, t) => (t % 24) + ((t * 7919) % 5))],
  ])('returns finite means, intervals and paths for a series that is %s', (_, history) => {
    const forecast = forecastSeries(history, { horizon, pathCount: 50 });

    const values = [...forecast.mean, ...forecast.intervals.flatMap(({ lower, upper }) => [...lower, ...upper]), ...forecast.paths.flatMap((path) => [...path])];
    expect(values.every(Number.isFinite)).toBe(true);
  });
});
