import { LanepayError } from '../errors/index.js';

/** A guarded account would go below zero: the transfer was refused, nothing was written. */
export class ExceedsCreditsError extends LanepayError {
  override name = 'ExceedsCreditsError';
  constructor(readonly account: string) {
    super('insufficient_funds', `The balance of ${account} is too low for this transfer.`);
  }
}

/** A pending transfer was already posted, voided or expired: it resolves once. */
export class PendingTransferResolvedError extends LanepayError {
  override name = 'PendingTransferResolvedError';
  constructor(readonly pendingId: string) {
    super('invalid_state', `Pending transfer ${pendingId} is already resolved.`);
  }
}

/** A transfer with this id exists already: ids are idempotency keys. */
export class TransferExistsError extends LanepayError {
  override name = 'TransferExistsError';
  constructor(readonly transferId: string) {
    super('invalid_state', `Transfer ${transferId} exists already.`);
  }
}
