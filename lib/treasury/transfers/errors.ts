import { LanepayError } from '#platform';

/**
 * A step of a treasury transfer asked of a transfer that is not where the step starts (another
 * worker took it, or it already moved on): nothing was written. The step's caller reads the transfer
 * again and goes on from where it is.
 */
export class TransferStepRefusedError extends LanepayError<'treasury_transfer_step_refused'> {
  override name = 'TransferStepRefusedError';
  constructor(readonly transferId: string, readonly step: string, readonly status: string) {
    super('treasury_transfer_step_refused', `Treasury transfer ${transferId} is ${status}: the step "${step}" does not start there, and nothing was written.`, { extensions: { status } });
  }
}
