/**
 * Base of every error Lanepay's domain code raises on purpose. `code` is stable and machine-readable
 * (it becomes the `code` and `type` of problem+json at the HTTP edge); `detail` is safe to show to
 * the caller. Anything that is not a LanepayError is a bug and is never shown.
 */
export class LanepayError extends Error {
  override name = 'LanepayError';
  constructor(
    readonly code: string,
    readonly detail: string,
    options?: ErrorOptions & { extensions?: Record<string, unknown> },
  ) {
    super(detail, options);
    this.extensions = options?.extensions ?? {};
  }
  readonly extensions: Record<string, unknown>;
}

export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `metadata.order_id`; empty for the whole input. */
  field: string;
  message: string;
}

/** Input that breaks the contract. Never stored, never retried. */
export class ValidationError extends LanepayError {
  override name = 'ValidationError';
  constructor(detail: string, readonly problems: FieldProblem[] = []) {
    super('validation_error', detail, { extensions: problems.length > 0 ? { errors: problems } : {} });
  }
}

export class NotFoundError extends LanepayError {
  override name = 'NotFoundError';
  constructor(what: string, id: string) {
    super('not_found', `No ${what} with id ${id}.`);
  }
}

export class UnauthorizedError extends LanepayError {
  override name = 'UnauthorizedError';
  constructor(detail: string) {
    super('unauthorized', detail);
  }
}


/**
 * DynamoDB kept cancelling the write because other requests touched the same items at the same
 * moment, beyond the retries Lanepay allows itself. Nothing was written; the caller may retry.
 */
export class ContentionError extends LanepayError {
  override name = 'ContentionError';
  constructor(readonly retryAfterSeconds: number, options?: ErrorOptions) {
    super('try_again', 'Too many concurrent changes to the same records; nothing was written. Retry after the delay in Retry-After.', {
      ...options,
      extensions: { retry_after: retryAfterSeconds },
    });
  }
}

/** A per-object rate limit (e.g. redeliveries of one event) ran out; it refills after `retryAfterSeconds`. */
export class RateLimitedError extends LanepayError {
  override name = 'RateLimitedError';
  constructor(detail: string, readonly retryAfterSeconds: number) {
    super('rate_limited', detail, { extensions: { retry_after: retryAfterSeconds } });
  }
}
