import { LanepayError, ValidationError } from '../errors/index.js';

/** A payment names a customer this merchant never created. */
export class UnknownCustomerError extends ValidationError {
  override name = 'UnknownCustomerError';
  constructor(readonly customerId: string) {
    super(`No customer with id ${customerId}: create customers with POST /v1/customers.`, [{ field: 'customer', message: 'is not a customer of this merchant' }]);
  }
}

/** The verification is not in a state the operator's resolution applies to. */
export class VerificationStateError extends LanepayError {
  override name = 'VerificationStateError';
  constructor(readonly verificationId: string, readonly status: string) {
    super('invalid_state', `Verification ${verificationId} is ${status}; only a verification in review can be resolved.`);
  }
}

