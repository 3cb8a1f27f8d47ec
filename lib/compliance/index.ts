// Compliance: whom and what Lanepay may pay: customers and their verifications (KYC, PII sealed),
// document checks and sanctions screening, and the risk rules of a payment.
// This is its face: other contexts, api/, functions/ and bin/ import only what it exports (#compliance).
export { createCustomer, getCustomer, listCustomers, readCustomer } from './customers/customers.js';
export { decideVerification } from './customers/decide.js';
export type { CustomerDeps, KycCheckDeps } from './customers/deps.js';
export { eraseCustomerPii } from './customers/erasure.js';
export { CustomerHeldError, UnknownCustomerError } from './customers/errors.js';
export { customerIdSchema } from './customers/ids.js';
export { isCustomerKey, kycStatusUnchanged } from './customers/items.js';
export { keyedFingerprint } from './customers/pii.js';
export { rescreenApproved, sweepProcessing } from './customers/rescreen.js';
export { resolveVerification } from './customers/resolve.js';
export {
  customerPiiSchema, kycReviewSchema, kycReviewsQuerySchema, listKycReviews, resolveBodySchema, resolveKycReview, resolvePathSchema, revealCustomerPii,
} from './customers/review.js';
export type { KycReview } from './customers/review.js';
export {
  createCustomerBodySchema, customerIdPathSchema, customerListQuerySchema, customerSchema, verificationEventTypes,
  verificationIdSchema, verificationPathSchema, verificationSchema,
} from './customers/schemas.js';
export { createVerification, getVerification } from './customers/verifications.js';
export { SanctionsListFormatError } from './kyc/errors.js';
export { latestSanctionsList, loadLatestSanctionsIndex, storeSanctionsIndex } from './kyc/sanctions-store.js';
export { createVerificationBodySchema } from './kyc/schemas.js';
export type { SanctionsIndex } from './kyc/screening/index.js';
export { declineCodes, evaluatePayment } from './risk/engine.js';
export type { DeclineCode, KycStatus } from './risk/engine.js';
export { effectiveRules, platformDefaultRules, riskOverridesSchema } from './risk/rules.js';
export type { RiskRules } from './risk/rules.js';
export * as customersErrors from './customers/errors.js';
export * as kycErrors from './kyc/errors.js';
