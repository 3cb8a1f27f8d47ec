// Ledger: double-entry accounts and transfers (pending, post, void) in minor units, per asset.
// This is its face: other contexts, api/, functions/ and bin/ import only what it exports (#ledger).
export { merchantAccount, merchantAccountKey, newMerchantAccountItem, platformAccount } from './accounts.js';
export type { AccountId, PlatformAccountName } from './accounts.js';
export { platformAccountBalance, platformAccountTotals } from './platform-balance.js';
export type { PlatformAccountTotals } from './platform-balance.js';
export { amountStringSchema } from './amount.js';
export { ledgerDecimals, toChainUnits } from './assets.js';
export { openingBalanceSource } from './transfers.js';
export { creditSandboxFunds } from './sandbox.js';
export { balanceMovements, refusedForFunds, transferItems, transferKey } from './transfers.js';
export type { PendingTransfer, TransferIntent } from './transfers.js';
export * as ledgerErrors from './errors.js';
export { checkLedgerInvariants, type LedgerInvariants } from './invariants.js';
export { forgetAccountStates, ledgerPostings } from './account-states.js';
export { balanceTransactionIdBound, balanceTransactionIdPattern, balanceTransactionsPartition, balanceTransactionTypes } from './balance-transactions.js';
export type { BalanceMemo, BalanceMovement, BalanceTransactionType } from './balance-transactions.js';
export { balanceTransactionFromItem, listBalanceTransactions, listLedgerEntries, readBalanceTransactionsBetween } from './balance-query.js';
export type { LedgerEntry } from './balance-query.js';
export { balanceTransactionSchema, balanceTransactionsQuerySchema, createdBoundSchema, sourceIdSchema } from './balance-schemas.js';
export type { BalanceTransaction, BalanceTransactionsQuery } from './balance-schemas.js';
