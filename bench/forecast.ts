// M4 hourly benchmark of lib/treasury/forecast: `npm run bench:forecast`. Fits on the training parts only
// (the engine chooses its models by validation on the last 48 hours of each training series),
// scores on the test parts, prints the M4 measures and writes a JSON copy to bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { forecastBatch } from '#lib/treasury/forecast/engine.js';
import { mase, msis, seasonalScale, smape } from '#lib/treasury/forecast/metrics.js';
import { loadM4Hourly } from './forecast/m4.js';
import { naive2 } from './forecast/naive2.js';

const horizon = 48;
const period = 24;
const published = { naive2: { smape: 18.383, mase: 2.395 }, seasonalNaive: 0.627, arima: 0.581, esRnn: 0.44, best: 0.41 };

const series = loadM4Hourly(new URL('../data/m4', import.meta.url).pathname);
const scales = series.map(({ train }) => seasonalScale(train, period));
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

const naive2Forecasts = series.map(({ train }) => naive2(train, horizon, period));
const naive2Smape = mean(series.map(({ test }, i) => smape(test, naive2Forecasts[i]!)));
const naive2Mase = mean(series.map(({ test }, i) => mase(test, naive2Forecasts[i]!, scales[i]!)));

const cpuStart = process.cpuUsage();
const wallStart = performance.now();
const batch = forecastBatch(
  series.map(({ train }) => train),
  { horizon, periods: [24, 168], levels: [0.8, 0.95] },
);
const wallSeconds = (performance.now() - wallStart) / 1000;
const cpu = process.cpuUsage(cpuStart);

const forecasts = batch.forecasts;
const engineSmape = mean(series.map(({ test }, i) => smape(test, forecasts[i]!.mean)));
const engineMase = mean(series.map(({ test }, i) => mase(test, forecasts[i]!.mean, scales[i]!)));
const owa = 0.5 * (engineSmape / naive2Smape + engineMase / naive2Mase);
const interval = (i: number, level: number) => forecasts[i]!.intervals.find((candidate) => candidate.level === level)!;
const engineMsis = mean(series.map(({ test }, i) => msis(test, interval(i, 0.95).lower, interval(i, 0.95).upper, scales[i]!, 0.05)));
const coverage = (level: number) => {
  let inside = 0;
  series.forEach(({ test }, i) => {
    const { lower, upper } = interval(i, level);
    for (let s = 0; s < horizon; s++) if (test[s]! >= lower[s]! && test[s]! <= upper[s]!) inside++;
  });
  return inside / (series.length * horizon);
};

const results = {
  series: series.length,
  horizon,
  naive2: { smape: naive2Smape, mase: naive2Mase, published: published.naive2 },
  engine: { smape: engineSmape, mase: engineMase, owa, msis95: engineMsis, coverage80: coverage(0.8), coverage95: coverage(0.95) },
  selection: { ...batch.selection, perSeries: undefined },
  wallSeconds,
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
  peakRssMiB: process.resourceUsage().maxRSS / 1024,
  method:
    'Everything was chosen on the training parts only, by rolling-origin validation: 6 origins 24 h apart, the latest ' +
    'holding out the last 48 training hours. Each ridge penalty by pooled validation score; the combination strategy ' +
    '(one combination for all, per series, per series among the pooled best six, per-series weights) by nested cross-' +
    'validation (choose on the origins not overlapping origin k, score at k); intervals calibrated on those held-out ' +
    'errors. Models were then refitted on the full training parts; the test parts were read only to score.',
};

const f = (value: number, digits = 3) => value.toFixed(digits);
console.log(`M4 hourly: ${series.length} series, h=${horizon}`);
console.log(`Naive2 (bench):  sMAPE ${f(naive2Smape)}  MASE ${f(naive2Mase)}  (published ${published.naive2.smape} / ${published.naive2.mase})`);
console.log(`Engine:          sMAPE ${f(engineSmape)}  MASE ${f(engineMase)}  OWA ${f(owa)}  MSIS95 ${f(engineMsis)}`);
console.log(`Coverage:        80 % → ${f(100 * coverage(0.8), 1)} %   95 % → ${f(100 * coverage(0.95), 1)} %`);
console.log(`Published OWA:   seasonal naive ${published.seasonalNaive}, ARIMA ${published.arima}, ES-RNN ${published.esRnn}, best ${published.best}`);
const { selection } = batch;
const counts = new Map<string, number>();
for (const label of selection.perSeries) counts.set(label, (counts.get(label) ?? 0) + 1);
console.log(`Strategy:        ${selection.strategy} (nested-CV validation scores ${Object.entries(selection.strategyScores).map(([name, score]) => `${name} ${f(score)}`).join(', ')}); ridge penalties ${JSON.stringify(selection.ridgePenalties)}`);
console.log(`Pooled choice:   ${selection.pooled}`);
console.log('Series use:      ' + [...counts].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([label, count]) => `${label} ×${count}`).join(', '));
console.log('Validation:      ' + batch.selection.tried.slice(0, 6).map(({ label, score }) => `${label} ${f(score)}`).join(', '));
console.log(`How chosen:      ${results.method}`);
console.log(`Time:            ${f(wallSeconds, 1)} s wall, ${f(results.cpuSeconds, 1)} s CPU (one thread); peak RSS ${f(results.peakRssMiB, 0)} MiB`);

const directory = new URL('./results/', import.meta.url).pathname;
mkdirSync(directory, { recursive: true });
writeFileSync(`${directory}forecast-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, JSON.stringify(results, null, 2));
