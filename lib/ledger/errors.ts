import { LanepayError } from '../errors/index.js';

/** A transfer with this id exists already: ids are idempotency keys. */
export class TransferExistsError extends LanepayError {
  override name = 'TransferExistsError';
  constructor(readonly transferId: string) {
    super('invalid_state', `Transfer ${transferId} exists already.`);
  }
}
