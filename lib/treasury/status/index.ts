// The treasury as an operator sees it: per chain its Safe, owners, balances and hot wallets, and the
// open proposals (GET /v1/treasury, `lanepay treasury status`, the console's Treasury page).
export { readTreasuryStatus } from './status.js';
export type { TreasuryStatusDeps } from './status.js';
export type { ChainReader } from './safe-chain.js';
export { treasuryChainSchema, treasuryProposalSchema, treasuryStatusSchema } from './schema.js';
export type { TreasuryChainStatus, TreasuryProposal, TreasuryStatus } from './schema.js';
