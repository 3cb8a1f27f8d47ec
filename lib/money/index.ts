// Money: payments (authorize, capture, cancel, expire), payouts on chain, charges (pay-ins) and
// their deposits, and sweeps; each change moves the ledger in the same transaction.
// This is its face: other contexts, api/, functions/ and bin/ import only what it exports (#money).
export { cancelCharge, createCharge } from './charges/create.js';
export type { ChargeDeps } from './charges/deps.js';
export { chargeEventTypes } from './charges/events.js';
export { expireDueCharges } from './charges/expire.js';
export { chargeKey, chargeRecordFromItem, merchantChargesPartition } from './charges/items.js';
export { checkoutEvent, checkoutView, checkoutViewSchema } from './charges/public-view.js';
export type { CheckoutView } from './charges/public-view.js';
export { getMerchantCharge, listChargeDeposits, listCharges, readChargeRecord } from './charges/query.js';
export {
  cancelChargeBodySchema, chargeIdPathSchema, chargeIdSchema, chargeListQuerySchema, chargeSchema,
  createChargeBodySchema, depositListQuerySchema, depositSchema,
} from './charges/schemas.js';
export type { Charge } from './charges/schemas.js';
export { watchChain } from './charges/watch.js';
export type { WatchDeps } from './charges/watch.js';
export { authorizePayment } from './payments/authorize.js';
export type { PaymentResult } from './payments/authorize.js';
export type { PaymentDeps, PaymentOutcome } from './payments/deps.js';
export { PaymentDeclinedError } from './payments/errors.js';
export { bookedPayoutEventType, paymentEventTypes } from './payments/events.js';
export { heldPayoutOutcome } from './payments/held-payout.js';
export { merchantPaymentsPartition, paymentKey, processingIndexPartitions, recordFromItem } from './payments/items.js';
export type { PaymentRecord } from './payments/items.js';
export { getBalances, getPayment, listPayments } from './payments/query.js';
export {
  balanceSchema, captureBodySchema, chainNameSchema, createPaymentBodySchema, eventIdPathSchema, listPaymentsQuerySchema, listQuerySchema, listSchema,
  paymentIdPathSchema, paymentSchema, paymentStatuses,
} from './payments/schemas.js';
export type { ListPaymentsQuery, Payment } from './payments/schemas.js';
export { expireDueHolds, settlePayment } from './payments/settle.js';
export type { SettleAction } from './payments/settle.js';
export { claimAddressPlaceholder } from './refunds/claim-message.js';
export { getClaimView, claimViewSchema } from './refunds/claims.js';
export type { ClaimView } from './refunds/claims.js';
export { submitClaim } from './refunds/claim-submit.js';
export { createRefund, readRefunded } from './refunds/create.js';
export type { RefundResult } from './refunds/create.js';
export type { RefundDeps } from './refunds/deps.js';
export { refundEventTypes } from './refunds/events.js';
export { getRefund, listChargeRefunds, listRefunds } from './refunds/query.js';
export {
  chargeRefundsPathSchema, claimBodySchema, claimPathSchema, createRefundBodySchema, refundIdPathSchema, refundListQuerySchema, refundSchema, refundStatuses,
} from './refunds/schemas.js';
export type { Refund } from './refunds/schemas.js';
export { checkPayouts } from './payouts/check.js';
export type { CheckResult } from './payouts/check.js';
export { readPaymentRecord } from './payouts/complete.js';
export type { PayoutDeps, PayoutSignal } from './payouts/deps.js';
export { beginRotation, completeRotation, currentHotWallet, hotWalletAddresses } from './payouts/hot-wallet.js';
export { hotWalletGroup, inFlightAttribute, inFlightGasAttribute, inFlightPayoutItems, isWaiting, nextNonceOf, nonceKey, payoutStatuses, walletKey } from './payouts/items.js';
export { inFlightFromItem, liquidityShortfall, reserveWalletItem } from './payouts/liquidity.js';
export { activeKeyCondition, hotWalletConfigKey, hotWalletFromItem } from './payouts/hot-wallet.js';
export type { Payout, PayoutAttempt } from './payouts/items.js';
export { platformEventItem, platformEventSchema, treasuryWorkEventTypes } from './payouts/platform-events.js';
export type { PlatformEvent, PlatformEventType } from './payouts/platform-events.js';
export { scheduleCheck } from './payouts/schedule-check.js';
export { park, readPayout, submitPayouts } from './payouts/submit.js';
export type { SubmitResult } from './payouts/submit.js';
export { planSweep } from './sweeps/plan.js';
export { checkSweep, readSweep, submitSweep } from './sweeps/submit.js';
export { sweepFromItem, sweepsInFlightPartition } from './sweeps/items.js';
export type { Sweep } from './sweeps/items.js';
export * as chargesErrors from './charges/errors.js';
export * as paymentsErrors from './payments/errors.js';
export * as payoutsErrors from './payouts/errors.js';
export * as refundsErrors from './refunds/errors.js';
export * as statementsErrors from './statements/errors.js';
export { buildStatement } from './statements/build.js';
export type { StatementDeps } from './statements/build.js';
export { rpcChainReader } from './statements/chain-reader.js';
export type { ChainReader } from './statements/chain-reader.js';
export { StatementFormatError } from './statements/format.js';
export { verifyStatement } from './statements/verify.js';
export type { StatementReport, StatementTrust } from './statements/verify.js';
export { statementMaxDays, statementQuerySchema, statementWindow } from './statements/schemas.js';
export { statementColumns } from './statements/format.js';
export { listBalanceTransactionsWithHashes } from './payouts/balance-hashes.js';
