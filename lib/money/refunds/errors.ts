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
