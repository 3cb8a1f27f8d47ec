import { LanepayError } from '../errors/index.js';

/** A transfer with this id exists already: ids are idempotency keys. */
export class TransferExistsError extends LanepayError<'transfer_exists'> {
  override name = 'TransferExistsError';
  constructor(readonly transferId: string) {
    super('transfer_exists', `Transfer ${transferId} exists already.`);
  }
}

/** Sandbox funds are booked from the platform's sandbox account, never on prod. */
export class SandboxOnProdError extends LanepayError<'forbidden_on_stage'> {
  override name = 'SandboxOnProdError';
  constructor() {
    super('forbidden_on_stage', 'Sandbox funds cannot be booked on prod: fund the merchant with a real deposit.');
  }
}
