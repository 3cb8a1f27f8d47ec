import { LanepayError } from '../errors/index.js';

/** The key was used before with a different request (path or body): a new request needs a new key. */
export class IdempotencyKeyReusedError extends LanepayError<'idempotency_error'> {
  override name = 'IdempotencyKeyReusedError';
  constructor(readonly key: string) {
    super('idempotency_error', `Idempotency-Key ${key} was already used with a different request (path or body). Use a new key for a new request.`);
  }
}

/** The first request with this key is still being processed; retrying shortly replays its answer. */
export class IdempotencyKeyInUseError extends LanepayError<'idempotency_key_in_use'> {
  override name = 'IdempotencyKeyInUseError';
  constructor(readonly key: string) {
    super('idempotency_key_in_use', `A request with Idempotency-Key ${key} is still being processed. Retry shortly.`);
  }
}
