/**
 * Base of every error Lanepay's domain code raises on purpose. Abstract: each refusal is a named
 * subclass, in the errors module of the context that raises it, with one literal `code` per reason
 * (TigerBeetle's habit: `exceeds_credits`, not "failed"). The code is stable and machine-readable
 * (the `code` and `type` of problem+json at the HTTP edge, lib/http/problem.ts, whose table must
 * name every code); `detail` is safe to show to the caller. Anything that is not a LanepayError is
 * a bug and is never shown.
 */
export abstract class LanepayError<Code extends string = string> extends Error {
  override name = 'LanepayError';
  readonly extensions: Record<string, unknown>;
  constructor(
    readonly code: Code,
    readonly detail: string,
    options?: ErrorOptions & { extensions?: Record<string, unknown> },
  ) {
    super(detail, options);
    this.extensions = options?.extensions ?? {};
  }
}

export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `metadata.order_id`; empty for the whole input. */
  field: string;
  message: string;
}

/** Input that breaks the contract. Never stored, never retried. */
export class ValidationError extends LanepayError<'validation_error'> {
  override name = 'ValidationError';
  constructor(detail: string, readonly problems: FieldProblem[] = []) {
    super('validation_error', detail, { extensions: problems.length > 0 ? { errors: problems } : {} });
  }
}

export class NotFoundError extends LanepayError<'not_found'> {
  override name = 'NotFoundError';
  constructor(what: string, id: string) {
    super('not_found', `No ${what} with id ${id}.`);
  }
}

export class UnauthorizedError extends LanepayError<'unauthorized'> {
  override name = 'UnauthorizedError';
  constructor(detail: string) {
    super('unauthorized', detail);
  }
}

/**
 * DynamoDB kept cancelling the write because other requests touched the same items at the same
 * moment, beyond the retries Lanepay allows itself. Nothing was written; the caller may retry.
 */
export class ContentionError extends LanepayError<'try_again'> {
  override name = 'ContentionError';
  constructor(readonly retryAfterSeconds: number, options?: ErrorOptions) {
    super('try_again', 'Too many concurrent changes to the same records; nothing was written. Retry after the delay in Retry-After.', {
      ...options,
      extensions: { retry_after: retryAfterSeconds },
    });
  }
}

/**
 * What the request read changed before its conditional write landed (another request, a decision,
 * a sweep), and re-reading could not settle it: nothing was written, and the same request may be
 * sent again.
 */
export class ConcurrentChangeError extends LanepayError<'concurrent_change'> {
  override name = 'ConcurrentChangeError';
  constructor(detail: string, options?: ErrorOptions) {
    super('concurrent_change', detail, options);
  }
}

/** A per-object rate limit (e.g. redeliveries of one event) ran out; it refills after `retryAfterSeconds`. */
export class RateLimitedError extends LanepayError<'rate_limited'> {
  override name = 'RateLimitedError';
  constructor(detail: string, readonly retryAfterSeconds: number) {
    super('rate_limited', detail, { extensions: { retry_after: retryAfterSeconds } });
  }
}
