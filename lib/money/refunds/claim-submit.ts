import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { writeAudited } from '#audit';
import { declineCodes, effectiveRules, evaluatePayment, kycStatusUnchanged, readCustomer, riskOverridesSchema } from '#compliance';
import { ledgerPostings, transferItems } from '#ledger';
import { getMerchantProfile } from '#merchants';
import { conditionFailedAt, ConcurrentChangeError } from '#platform';
import { assertChainCarries } from '../payments/authorize.js';
import { assertPayableDestination } from '../payments/destinations.js';
import { paymentEventItem } from '../payments/events.js';
import { replacePaymentItem, type PaymentRecord } from '../payments/items.js';
import { captureChange } from '../payments/settle.js';
import { claimTermsOf, useClaimItem, type ClaimRecord } from './claim-items.js';
import { checkClaimSignature } from './claim-message.js';
import { claimView, readClaim, type ClaimView } from './claims.js';
import type { RefundDeps } from './deps.js';
import { ClaimAlreadyUsedError, ClaimExpiredError, ClaimNotOpenError, ClaimSignatureInvalidError, RefundDeclinedError } from './errors.js';
import { refundFollowItems } from './follow.js';
import { refundStatusOf } from './items.js';
import { destinationVelocityItem } from './velocity.js';

export interface ClaimRequest {
  claimId: string;
  /** Checksummed (the edge's evmAddressSchema). */
  address: string;
  /** EIP-191 (personal_sign) signature of the claim's message for `address`, 0x and 65 bytes. */
  signature: string;
}

/**
 * The payer claims a refund: names `address` and proves it with its signature of the claim's
 * message. Only then is the payout captured to it, through the same pipeline and gates as a refund
 * naming its destination (the address rules, sanctions screening included, the merchant's current
 * risk rules, the destination's daily velocity, the customer's KYC status). One transaction: the
 * payout authorized → processing at the version read (so not after an expiry or a cancel), the
 * claim open → claimed (so once, whatever races it), the hold posted, the events. A refusal writes
 * nothing.
 */
export async function submitClaim(deps: RefundDeps, request: ClaimRequest): Promise<ClaimView> {
  const now = deps.now();
  const { claim, record } = await readClaim(deps, request.claimId);
  assertClaimable(claim, record, now);
  // First what no signature could make payable (the zero address, a token contract, Lanepay's wallets): the payer learns why.
  assertPayableDestination(assertChainCarries(deps, claim.chain, claim.asset), request.address);
  const check = checkClaimSignature(claimTermsOf(claim), request.address, request.signature);
  if (!check.valid) throw new ClaimSignatureInvalidError(claim.id, request.address, check.recovered);

  const merchant = await getMerchantProfile(deps, claim.merchantId);
  const customerId = record.payment.customer;
  const customer = customerId === null ? undefined : await readCustomer(deps, claim.merchantId, customerId);
  const kyc = customer ? { id: customerId!, kycStatus: customer.customer.kyc_status } : undefined;
  const rules = effectiveRules(deps.riskDefaults, riskOverridesSchema.parse(merchant.risk));
  const decision = evaluatePayment({ amountMinor: claim.amountMinor, asset: claim.asset, chain: claim.chain, destination: request.address, customer: kyc }, rules);
  if (decision.outcome === 'decline') throw new RefundDeclinedError(decision.declineCode);
  if (decision.velocity.destinationDailyLimitMinor < claim.amountMinor) throw new RefundDeclinedError(declineCodes.velocityDestinationDaily);

  const addressed: PaymentRecord = { ...record, payment: { ...record.payment, destination: request.address } };
  const change = captureChange(addressed, { fee: record.feeTerms! }, undefined);
  const velocity = destinationVelocityItem(deps.tableName, { merchantId: claim.merchantId, asset: claim.asset, destination: request.address }, claim.amountMinor, decision.velocity.destinationDailyLimitMinor, now);
  const kycGate = kyc ? kycStatusUnchanged(deps.tableName, claim.merchantId, kyc.id, kyc.kycStatus) : undefined;
  const items: TransactWriteItem[] = [
    replacePaymentItem(deps.tableName, { ...record, payment: change.next, version: record.version + 1 }, { version: record.version, status: 'authorized' }),
    useClaimItem(deps.tableName, claim.id, request.address, now),
    velocity,
    // The relay sends this one to chain-submit, as for every captured payout.
    paymentEventItem(deps.tableName, claim.merchantId, change.event, change.next, now).item,
    ...transferItems(deps.tableName, change.transfers, now.toISOString()),
    ...refundFollowItems(deps.tableName, record, change.next, now),
    ...(kycGate ? [kycGate] : []),
  ];
  try {
    await writeAudited(deps, { items, state: ledgerPostings, audit: { merchantId: claim.merchantId, actor: { type: 'payer', id: claim.id }, action: 'refund.claimed', object: { type: 'refund', id: claim.refundId }, at: now } });
  } catch (error) {
    if (conditionFailedAt(error, 1)) throw new ClaimAlreadyUsedError(claim.id);
    if (conditionFailedAt(error, 0)) {
      // Expired, canceled or claimed meanwhile: say which, as read now.
      const after = await readClaim(deps, claim.id);
      assertClaimable(after.claim, after.record, deps.now());
      throw new ConcurrentChangeError(`Claim ${claim.id}'s refund changed while it was claimed; send it again.`, { cause: error });
    }
    if (conditionFailedAt(error, 2)) throw new RefundDeclinedError(declineCodes.velocityDestinationDaily);
    if (kycGate && conditionFailedAt(error, items.indexOf(kycGate))) {
      throw new ConcurrentChangeError(`Customer ${customerId}'s KYC status changed while this claim was made; send it again.`, { cause: error });
    }
    throw error;
  }
  return claimView({ ...claim, status: 'claimed', address: request.address, claimedAt: now.toISOString() }, change.next, now);
}

/** Refuses a claim that is used, expired (even before the sweep releases it), waiting for approval or withdrawn. */
function assertClaimable(claim: ClaimRecord, record: PaymentRecord, now: Date): void {
  const { status } = record.payment;
  if (claim.status === 'claimed' || ['processing', 'succeeded', 'failed'].includes(status)) throw new ClaimAlreadyUsedError(claim.id);
  if (status === 'expired' || (status === 'authorized' && now.toISOString() >= claim.expiresAt)) throw new ClaimExpiredError(claim.id, claim.expiresAt);
  if (status !== 'authorized') throw new ClaimNotOpenError(claim.id, refundStatusOf(record.payment));
}
