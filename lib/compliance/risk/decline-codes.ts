/**
 * Stable, machine-readable reasons a payment is declined. Merchants branch on these strings, so
 * they are never renamed; new reasons get new codes.
 */
export const declineCodes = {
  amountOverLimit: 'amount_over_limit',
  chainNotAllowed: 'chain_not_allowed',
  assetNotAllowed: 'asset_not_allowed',
  sanctionedDestination: 'sanctioned_destination',
  blockedDestination: 'blocked_destination',
  kycRequired: 'kyc_required',
  /** The customer is held in review (a sanctions hit, a reused document): declined at any amount. */
  kycReview: 'kyc_review',
  /** The customer is rejected: declined at any amount. */
  kycRejected: 'kyc_rejected',
  // The three below are decided by the caller's DynamoDB transaction, not by evaluatePayment:
  // only a conditional write alongside the hold stops concurrent payments from overrunning them.
  velocityMerchantDaily: 'velocity_merchant_daily',
  velocityDestinationDaily: 'velocity_destination_daily',
  insufficientFunds: 'insufficient_funds',
} as const;

export type DeclineCode = (typeof declineCodes)[keyof typeof declineCodes];
