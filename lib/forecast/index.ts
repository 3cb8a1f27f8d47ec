// The forecast engine's public API (pure: no AWS, no I/O). See docs/forecast.md.
export { defaultLevels, defaultPeriods, forecastBatch, forecastSeries } from './engine.js';
export type { BatchForecast, ForecastOptions, PredictionInterval, SeriesForecast } from './engine.js';
export { defaultLiquidityQuantile, planLiquidity } from './liquidity.js';
export type { LiquidityInput, LiquidityPlan } from './liquidity.js';
export { applyShocks, parseShocks, shockMultipliers } from './shocks.js';
export type { Shock } from './shocks.js';
export { forecastCsv, minimumSeriesLength, outputHeader, parseSeriesCsv } from './csv.js';
export type { CsvForecastOptions } from './csv.js';
export { ForecastCsvError, ForecastError, ForecastOptionsError, LiquidityInputError, ShockSyntaxError } from './errors.js';
