import { LanepayError } from '#platform';

/**
 * The refund would take the charge's refunds past what it credited (or an `excess` refund past
 * what was paid over its amount). `refundableMinor` is what may still be refunded, as last read.
 */
export class RefundExceedsChargeError extends LanepayError<'refund_exceeds_charge'> {
  override name = 'RefundExceedsChargeError';
  constructor(readonly chargeId: string, readonly requestedMinor: bigint, readonly refundableMinor: bigint) {
    super('refund_exceeds_charge', `Cannot refund ${requestedMinor} of charge ${chargeId}: ${refundableMinor} of what it credited is left to refund.`, {
      extensions: { refundable: refundableMinor.toString(), errors: [{ field: 'amount', message: `must be at most ${refundableMinor}` }] },
    });
  }
}

/** Nothing of the charge was credited (no final deposit), so there is nothing to give back. */
export class ChargeNotRefundableError extends LanepayError<'charge_not_refundable'> {
  override name = 'ChargeNotRefundableError';
  constructor(readonly chargeId: string, readonly status: string) {
    super('charge_not_refundable', `Charge ${chargeId} is ${status} and nothing of it was credited; there is nothing to refund.`);
  }
}

/** `amount: "excess"` on a charge that was not paid over its amount (or a top-up, which has none), or whose excess was refunded. */
export class NoExcessError extends LanepayError<'no_excess'> {
  override name = 'NoExcessError';
  constructor(readonly chargeId: string, why: string) {
    super('no_excess', `Charge ${chargeId} has no excess to refund: ${why}.`);
  }
}

/** A refund the risk rules, sanctions screening, velocity limits or the merchant's balance refuse (402): nothing is recorded. */
export class RefundDeclinedError extends LanepayError<'refund_declined'> {
  override name = 'RefundDeclinedError';
  constructor(readonly declineCode: string) {
    super('refund_declined', `The refund was declined (${declineCode}).`, { extensions: { decline_code: declineCode } });
  }
}

/** The claim's signature is not the entered address's signature of the claim's message (or no signature at all): nothing is written. */
export class ClaimSignatureInvalidError extends LanepayError<'claim_signature_invalid'> {
  override name = 'ClaimSignatureInvalidError';
  constructor(readonly claimId: string, readonly address: string, readonly recovered: string | null) {
    super('claim_signature_invalid', recovered === null
      ? `The signature is not a valid EIP-191 signature; sign the claim's message for ${address} with personal_sign.`
      : `The signature is from ${recovered}, not from ${address}: sign the claim's message for ${address} from that address.`, {
      extensions: { recovered_address: recovered, errors: [{ field: 'signature', message: 'must be the address\'s personal_sign signature of this claim\'s message' }] },
    });
  }
}

/** The claim was used already (or is being paid): a claim pays once. */
export class ClaimAlreadyUsedError extends LanepayError<'claim_already_used'> {
  override name = 'ClaimAlreadyUsedError';
  constructor(readonly claimId: string) {
    super('claim_already_used', `Claim ${claimId} was claimed already; a claim pays out once.`);
  }
}

/** The claim's time is up (whether or not the expiry sweep has released its money yet). */
export class ClaimExpiredError extends LanepayError<'claim_expired'> {
  override name = 'ClaimExpiredError';
  constructor(readonly claimId: string, readonly expiresAt: string) {
    super('claim_expired', `Claim ${claimId} expired at ${expiresAt}; ask the merchant for a new refund.`);
  }
}

/** The claim cannot be claimed now: its refund waits for the merchant's approval, or the merchant canceled it. */
export class ClaimNotOpenError extends LanepayError<'claim_not_open'> {
  override name = 'ClaimNotOpenError';
  constructor(readonly claimId: string, readonly refundStatus: string) {
    super('claim_not_open', refundStatus === 'requires_approval'
      ? `Claim ${claimId} waits for the merchant's approval; it can be claimed once approved.`
      : `Claim ${claimId}'s refund is ${refundStatus}; it can no longer be claimed.`, { extensions: { refund_status: refundStatus } });
  }
}

/** The merchant tried to capture a claim refund's payout: only its claim, with the payer's address, pays it. */
export class RefundAwaitsClaimError extends LanepayError<'refund_awaits_claim'> {
  override name = 'RefundAwaitsClaimError';
  constructor(readonly paymentId: string, readonly refundId: string) {
    super('refund_awaits_claim', `Payment ${paymentId} pays refund ${refundId}, which waits for its payer's claim; only the claim can capture it (cancel it to withdraw the refund).`);
  }
}
