import { LanepayError } from '../errors/index.js';

/** Every RPC URL of a chain failed or has its circuit open: the caller waits, it never fails a payment. */
export class ChainUnavailableError extends LanepayError<'chain_unavailable'> {
  override name = 'ChainUnavailableError';
  constructor(readonly chain: string, cause: unknown) {
    super('chain_unavailable', `No RPC endpoint of chain ${chain} answered.`, { cause });
  }
}

/** The transfer would revert: the destination can never be paid this way. */
export class PayoutRejectedError extends LanepayError<'destination_rejected'> {
  override name = 'PayoutRejectedError';
  constructor(detail: string, cause?: unknown) {
    super('destination_rejected', detail, { cause });
  }
}

/** The node refused signed bytes for a reason that will not pass (e.g. too little gas for the call). */
export class BroadcastRefusedError extends LanepayError<'broadcast_rejected'> {
  override name = 'BroadcastRefusedError';
  constructor(readonly chain: string, readonly hash: string, cause: unknown) {
    super('broadcast_rejected', `The node of ${chain} refused transaction ${hash}.`, { cause });
  }
}
