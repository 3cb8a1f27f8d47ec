// The forecast job: reads the flow totals (../flows), forecasts each chain and asset
// (../forecast does the maths) and plans each hot wallet's liquidity. See README "Liquidity forecasts".
export { forecastFromItem, forecastItem, forecastKey, readForecasts } from './forecast-items.js';
export type { ForecastRecord, PlanRecord } from './forecast-items.js';
export { defaultForecastJobSettings, runForecastJob } from './run.js';
export type { ForecastJobDeps, ForecastJobSettings, ForecastRun, ForecastSignal } from './run.js';
export { toLedgerUnits, walletPosition } from './wallet.js';
export type { WalletPosition } from './wallet.js';
