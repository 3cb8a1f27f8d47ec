// Treasury: the platform's own money over time: flow totals, forecasts and liquidity plans per
// chain, and the reconciler.
// This is its face: other contexts, api/, functions/ and bin/ import only what it exports (#treasury).
export { recordFlowEvent } from './flows/flow-totals.js';
export { readForecasts } from './planning/forecast-items.js';
export type { ForecastRecord, PlanRecord } from './planning/forecast-items.js';
export { epochHour, syntheticFlows, writeFlowBuckets } from './flows/index.js';
export { defaultForecastJobSettings, runForecastJob } from './planning/run.js';
export type { ForecastJobDeps, ForecastRun } from './planning/run.js';
export { forecastCsv } from './forecast/csv.js';
export { ForecastCsvError } from './forecast/errors.js';
export { applyShocks, parseShocks, planLiquidity, ShockSyntaxError } from './forecast/index.js';
export { discrepancyKinds, needsHuman, reconcile, redriveKinds } from './reconcile/index.js';
export { unrelayedEvents } from './reconcile/outbox.js';
export type { ReconcileDeps, ReconcileReport } from './reconcile/index.js';
export * as forecastErrors from './forecast/errors.js';
export { liquidityListSchema, liquiditySchema, readLiquidity } from './planning/liquidity-view.js';
export type { Liquidity, LiquidityDeps } from './planning/liquidity-view.js';
export * as transfersErrors from './transfers/errors.js';
export { planRebalancing, RebalanceInputError } from './rebalance/index.js';
export type { ChainLiquidity, RebalancePolicy, RebalanceProposal, RebalanceSettings } from './rebalance/index.js';
export * as rebalanceErrors from './rebalance/errors.js';
export { treasuryDecisionOutcome } from './proposals/decisions.js';
export { driveOpenTransfers, driveTransfer } from './proposals/drive.js';
export type { DriveOutcome, TreasurySignal, TreasuryWorkerDeps } from './proposals/drive.js';
export { proposeMove } from './proposals/propose.js';
export { hotWalletMoveMessage, hotWalletMoveMessageSchema, submitHotWalletMove } from './moves/submit.js';
export type { HotWalletMoveMessage, MoveSubmitOutcome } from './moves/submit.js';
export { openHotWalletMoves } from './transfers/steps.js';
export type { ProposeOutcome } from './proposals/propose.js';
export { treasuryChainOf } from './transfers/executor.js';
export type { TreasuryChain, TransferExecutorDeps } from './transfers/executor.js';
export { proposeRebalancing } from './proposals/rebalance-run.js';
export type { RebalanceRunDeps, RebalanceRunOutcome } from './proposals/rebalance-run.js';
export { readTreasuryStatus, treasuryChainSchema, treasuryProposalSchema, treasuryStatusSchema } from './status/index.js';
export type { ChainReader, TreasuryChainStatus, TreasuryProposal, TreasuryStatus, TreasuryStatusDeps } from './status/index.js';
export { bookFunding, bookHotWalletFunding, bookTreasuryFunding, fundingTransferId } from './funding/index.js';
export type { BookedFunding, FundingAccount, FundingDeps, FundingResult } from './funding/index.js';
export * as fundingErrors from './funding/errors.js';
