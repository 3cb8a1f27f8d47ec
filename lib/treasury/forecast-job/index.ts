// The forecast job: hourly flow totals from the event stream, forecasts and liquidity plans per
// chain and asset (lib/treasury/forecast does the maths). See README "Liquidity forecasts".
export { payoutSeries, readFlowBuckets, recordFlowEvent } from './flow-totals.js';
export type { FlowRecordOutcome, FlowTotalsDeps } from './flow-totals.js';
export { epochHour, flowRetentionDays, hourLabel } from './flow-items.js';
export type { FlowBucket } from './flow-items.js';
export { syntheticFlows, writeFlowBuckets } from './synthetic.js';
export type { SyntheticFlowOptions } from './synthetic.js';
export { forecastFromItem, forecastItem, forecastKey, readForecasts } from './forecast-items.js';
export type { ForecastRecord, PlanRecord } from './forecast-items.js';
export { defaultForecastJobSettings, runForecastJob } from './run.js';
export type { ForecastJobDeps, ForecastJobSettings, ForecastSignal } from './run.js';
export { toLedgerUnits, walletPosition } from './wallet.js';
export type { WalletPosition } from './wallet.js';
