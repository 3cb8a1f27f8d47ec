// Rebalancing: from each chain's forecast and balances to proposals that move money between
// treasuries and hot wallets (pure: no AWS, no chain calls). See docs/treasury.md "Rebalancing".
export { planRebalancing } from './planner.js';
export { RebalanceInputError } from './errors.js';
export { cumulativeOutflows, dryProbability, landedByHour, requiredArrival, requiredHolding } from './outflow.js';
export type { AccountKind, AccountRef, Arrival, ChainLiquidity, RebalancePolicy, RebalanceProposal, RebalanceSettings } from './types.js';
