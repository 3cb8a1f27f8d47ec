import { LanepayError, ValidationError } from '#platform';

/** A payment names a customer this merchant never created. */
export class UnknownCustomerError extends ValidationError {
  override name = 'UnknownCustomerError';
  constructor(readonly customerId: string) {
    super(`No customer with id ${customerId}: create customers with POST /v1/customers.`, [{ field: 'customer', message: 'is not a customer of this merchant' }]);
  }
}

/** The verification is not in a state the operator's resolution applies to (review, or rejected by the system). */
export class VerificationNotResolvableError extends LanepayError<'verification_not_resolvable'> {
  override name = 'VerificationNotResolvableError';
  constructor(readonly verificationId: string, readonly status: string) {
    super('verification_not_resolvable', `Verification ${verificationId} is ${status}; only a verification in review, or one the system rejected, can be resolved.`);
  }
}

/**
 * The customer may not submit a verification now. A customer in `review` or `rejected` stays so
 * until the platform operator resolves them (`lanepay kyc resolve`), whatever they submit; one
 * verification is decided at a time; a customer whose PII is being erased takes none.
 */
export abstract class VerificationRefusedError<Code extends string> extends LanepayError<Code> {
  override name = 'VerificationRefusedError';
}

export class CustomerInReviewError extends VerificationRefusedError<'customer_in_review'> {
  override name = 'CustomerInReviewError';
  constructor(readonly customerId: string) {
    super('customer_in_review', `Customer ${customerId} is in review; only the platform operator can resolve it, and no new verification is taken until then.`);
  }
}

export class CustomerRejectedError extends VerificationRefusedError<'customer_rejected'> {
  override name = 'CustomerRejectedError';
  constructor(readonly customerId: string) {
    super('customer_rejected', `Customer ${customerId} is rejected; only the platform operator can resolve it, and no new verification is taken until then.`);
  }
}

export class VerificationProcessingError extends VerificationRefusedError<'verification_processing'> {
  override name = 'VerificationProcessingError';
  constructor(readonly customerId: string, readonly verificationId: string | null) {
    super('verification_processing', `Customer ${customerId} has verification ${verificationId} still processing; wait for its decision (customer.verification.* event) before submitting another.`);
  }
}

export class CustomerErasingError extends VerificationRefusedError<'customer_erasing'> {
  override name = 'CustomerErasingError';
  constructor(readonly customerId: string) {
    super('customer_erasing', `Customer ${customerId}'s personal data is being erased; send DELETE /v1/customers/${customerId}/pii again to finish it before submitting a verification.`);
  }
}

/**
 * A payment naming a customer held in review or rejected is not captured: authorized before the
 * customer was held, it stays authorized until canceled (or it expires), so the hold is released.
 */
export class CustomerHeldError extends LanepayError<'kyc_review' | 'kyc_rejected'> {
  override name = 'CustomerHeldError';
  constructor(readonly customerId: string, readonly kycStatus: 'review' | 'rejected') {
    super(
      kycStatus === 'review' ? 'kyc_review' : 'kyc_rejected',
      `Customer ${customerId} is ${kycStatus === 'review' ? 'in KYC review' : 'rejected by KYC'}; a payment naming them cannot be captured. Cancel it to release the hold.`,
    );
  }
}

/** The customer's personal data was erased (DELETE /v1/customers/{id}/pii): it is gone for good, nobody may read it. */
export class PiiErasedError extends LanepayError<'pii_erased'> {
  override name = 'PiiErasedError';
  constructor(readonly customerId: string) {
    super('pii_erased', `Customer ${customerId}'s personal data was erased; it cannot be shown, and nothing of it is kept.`);
  }
}
