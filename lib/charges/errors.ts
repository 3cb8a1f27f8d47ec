import { LanepayError } from '../errors/index.js';

/**
 * Only a charge nothing has reached (no deposit seen, even unconfirmed; dust does not count) can be
 * canceled. `raced`: it could when read, and a deposit (or an expiry) changed it first.
 */
export class ChargeNotCancelableError extends LanepayError<'charge_not_cancelable'> {
  override name = 'ChargeNotCancelableError';
  constructor(readonly chargeId: string, readonly status: string, readonly depositCount: number, raced = false) {
    super('charge_not_cancelable', raced
      ? `Charge ${chargeId} is ${status}; it changed while this request ran.`
      : `Charge ${chargeId} is ${status}${depositCount > 0 ? ' and has deposits' : ''}; only a charge nothing has reached can be canceled.`);
  }
}
