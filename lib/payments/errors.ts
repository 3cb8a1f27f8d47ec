import { LanepayError } from '../errors/index.js';

/**
 * Only an authorized payment can be captured; this one is `status`. `raced`: it was authorized when
 * read, and another request, a member's decision or the expiry sweep changed it first.
 */
export class PaymentNotCapturableError extends LanepayError<'payment_not_capturable'> {
  override name = 'PaymentNotCapturableError';
  constructor(readonly paymentId: string, readonly status: string, raced = false) {
    super('payment_not_capturable', raced
      ? `Payment ${paymentId} is ${status}; it changed while this request ran.`
      : `Payment ${paymentId} is ${status}; only an authorized payment can be captured.`);
  }
}

/** Only an authorized payment, or one waiting for approval, can be canceled; this one is `status` (`raced` as above). */
export class PaymentNotCancelableError extends LanepayError<'payment_not_cancelable'> {
  override name = 'PaymentNotCancelableError';
  constructor(readonly paymentId: string, readonly status: string, raced = false) {
    super('payment_not_cancelable', raced
      ? `Payment ${paymentId} is ${status}; it changed while this request ran.`
      : `Payment ${paymentId} is ${status}; only an authorized payment, or one waiting for approval, can be canceled.`);
  }
}

/** The hold ended at `expiresAt`, whether or not the expiry sweep has run yet: the payment can no longer be captured. */
export class AuthorizationExpiredError extends LanepayError<'authorization_expired'> {
  override name = 'AuthorizationExpiredError';
  constructor(readonly paymentId: string, readonly expiresAt: string) {
    super('authorization_expired', `Payment ${paymentId}'s authorization expired at ${expiresAt}; it can no longer be captured.`);
  }
}

/** A well-formed amount this payment cannot take: a conflict with its state, not a malformed request. */
export class CaptureExceedsAuthorizedError extends LanepayError<'capture_exceeds_authorized'> {
  override name = 'CaptureExceedsAuthorizedError';
  constructor(readonly capturedMinor: bigint, readonly authorizedMinor: bigint) {
    super('capture_exceeds_authorized', `Cannot capture ${capturedMinor}: the payment authorized ${authorizedMinor}.`, {
      extensions: { errors: [{ field: 'amount', message: `must be at most ${authorizedMinor}` }] },
    });
  }
}

/** A declined payment as the merchant API answers it (402): recorded with status `declined`, carried in the problem. */
export class PaymentDeclinedError extends LanepayError<'payment_declined'> {
  override name = 'PaymentDeclinedError';
  constructor(readonly declineCode: string, payment: unknown) {
    super('payment_declined', `The payment was declined (${declineCode}).`, { extensions: { decline_code: declineCode, payment } });
  }
}
