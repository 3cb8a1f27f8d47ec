import { declineCodes, type DeclineCode } from './decline-codes.js';
import type { RiskRules } from './rules.js';
import { isSanctionedAddress } from './sanctions.js';

export { declineCodes, type DeclineCode } from './decline-codes.js';

/**
 * The order rules run in, which is also the order they appear in `rulesChecked`. Compliance rules
 * come first so a payment to a sanctioned or blocked address is recorded as such even when it
 * would also fail a commercial rule: those attempts may have to be reported, a too-large payment
 * does not. Cheap configuration checks precede the amount so limits are looked up for a known asset.
 */
export const riskRuleOrder = [
  'sanctions',
  'merchant_blocklist',
  'kyc_status',
  'allowed_chains',
  'allowed_assets',
  'max_per_payment',
  'kyc_threshold',
] as const;
export type RiskRuleName = (typeof riskRuleOrder)[number];

/**
 * A customer's KYC status (lib/compliance/customers/schemas.ts); only `approved` passes the threshold, and a
 * customer held in `review` or `rejected` passes at no amount.
 */
export type KycStatus = 'none' | 'processing' | 'approved' | 'review' | 'rejected';

export interface PaymentRiskInput {
  amountMinor: bigint;
  asset: string;
  chain: string;
  /**
   * Payout address; compared case-insensitively, so checksummed or not. Absent for a refund whose
   * payer names the address later (a claim link): the address rules run when it is claimed.
   */
  destination?: string | undefined;
  /** The payment's customer; above the KYC threshold a payment without one is declined. */
  customer?: { id: string; kycStatus: KycStatus } | undefined;
}

export interface RiskApproval {
  outcome: 'approve';
  rulesChecked: RiskRuleName[];
  /**
   * Daily limits the caller must enforce with conditional writes in the same DynamoDB transaction
   * as the hold; checking them here would let concurrent payments all pass against a stale total.
   */
  velocity: { merchantDailyLimitMinor: bigint; destinationDailyLimitMinor: bigint };
}

export interface RiskDecline {
  outcome: 'decline';
  rule: RiskRuleName;
  declineCode: DeclineCode;
  reason: string;
  rulesChecked: RiskRuleName[];
}

export type RiskDecision = RiskApproval | RiskDecline;

interface AssetLimits {
  maxPerPaymentMinor: bigint;
  merchantDailyLimitMinor: bigint;
  destinationDailyLimitMinor: bigint;
  kycThresholdMinor: bigint;
}

/** Undefined when any limit is missing: an asset with no limits is treated as not allowed. */
function limitsFor(rules: RiskRules, asset: string): AssetLimits | undefined {
  const values = [
    rules.maxPerPaymentMinor[asset],
    rules.dailyVolumePerMerchantMinor[asset],
    rules.dailyVolumePerDestinationMinor[asset],
    rules.kyc.thresholdMinor[asset],
  ];
  if (values.some((value) => value === undefined)) return undefined;
  const [maxPerPaymentMinor, merchantDailyLimitMinor, destinationDailyLimitMinor, kycThresholdMinor] = values.map((value) =>
    BigInt(value as string),
  ) as [bigint, bigint, bigint, bigint];
  return { maxPerPaymentMinor, merchantDailyLimitMinor, destinationDailyLimitMinor, kycThresholdMinor };
}

/**
 * Decides whether a payment may proceed to the hold, checking the rules in `riskRuleOrder` and
 * stopping at the first that fails. Pure: the caller loads the rules and records the decision.
 * Throws RangeError for a non-positive amount, which the API layer must have rejected already.
 */
export function evaluatePayment(input: PaymentRiskInput, rules: RiskRules): RiskDecision {
  if (input.amountMinor <= 0n) throw new RangeError(`amountMinor must be positive, got ${input.amountMinor}`);
  const rulesChecked: RiskRuleName[] = [];
  const check = (rule: RiskRuleName): void => void rulesChecked.push(rule);
  const decline = (rule: RiskRuleName, declineCode: DeclineCode, reason: string): RiskDecline => ({
    outcome: 'decline',
    rule,
    declineCode,
    reason,
    rulesChecked: [...rulesChecked],
  });
  const destination = input.destination?.toLowerCase();

  if (destination !== undefined) {
    check('sanctions');
    if (isSanctionedAddress(destination)) {
      return decline('sanctions', declineCodes.sanctionedDestination, 'The destination address is on a sanctions list.');
    }

    check('merchant_blocklist');
    if (rules.blockedDestinations.some((blocked) => blocked.toLowerCase() === destination)) {
      const reason = "The destination address is on the merchant's blocklist.";
      return decline('merchant_blocklist', declineCodes.blockedDestination, reason);
    }
  }

  // Held customers first, at any amount: a sanctions hit in review must not be paid in small sums.
  check('kyc_status');
  if (input.customer?.kycStatus === 'review') {
    return decline('kyc_status', declineCodes.kycReview, 'The customer is in KYC review; no payment naming them is allowed until the operator resolves it.');
  }
  if (input.customer?.kycStatus === 'rejected') {
    return decline('kyc_status', declineCodes.kycRejected, 'The customer is rejected by KYC; no payment naming them is allowed.');
  }

  check('allowed_chains');
  if (rules.allowedChains !== '*' && !rules.allowedChains.includes(input.chain)) {
    return decline('allowed_chains', declineCodes.chainNotAllowed, `Payments on chain ${input.chain} are not allowed.`);
  }

  check('allowed_assets');
  const limits = rules.allowedAssets.includes(input.asset) ? limitsFor(rules, input.asset) : undefined;
  if (limits === undefined) {
    return decline('allowed_assets', declineCodes.assetNotAllowed, `Payments in ${input.asset} are not allowed.`);
  }

  check('max_per_payment');
  if (input.amountMinor > limits.maxPerPaymentMinor) {
    return decline(
      'max_per_payment',
      declineCodes.amountOverLimit,
      `The amount exceeds the per-payment limit of ${limits.maxPerPaymentMinor} minor units of ${input.asset}.`,
    );
  }

  check('kyc_threshold');
  const customer = input.customer;
  if (input.amountMinor > limits.kycThresholdMinor && customer?.kycStatus !== 'approved') {
    const state = customer === undefined ? 'the payment names no customer' : `it is ${customer.kycStatus}`;
    return decline(
      'kyc_threshold',
      declineCodes.kycRequired,
      `Payments above ${limits.kycThresholdMinor} minor units of ${input.asset} need a customer whose KYC is approved (${state}).`,
    );
  }

  const { merchantDailyLimitMinor, destinationDailyLimitMinor } = limits;
  return { outcome: 'approve', rulesChecked, velocity: { merchantDailyLimitMinor, destinationDailyLimitMinor } };
}
