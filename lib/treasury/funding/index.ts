export { bookTreasuryFunding } from './book.js';
export type { BookedFunding, FundingDeps, FundingResult } from './book.js';
export { fundingKey, fundingTransferId } from './items.js';
