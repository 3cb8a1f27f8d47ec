export { bookFunding, bookHotWalletFunding, bookTreasuryFunding } from './book.js';
export type { BookedFunding, FundingDeps, FundingResult } from './book.js';
export { fundingKey, fundingTransferId, type FundingAccount } from './items.js';
