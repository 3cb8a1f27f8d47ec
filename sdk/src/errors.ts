/**
 * Every error the SDK throws is a LanepayError; API refusals are LanepayApiError subclasses chosen
 * by status and problem code, so callers match with `instanceof`, never with strings.
 */
export class LanepayError extends Error {
  override name = 'LanepayError';
}

/** The RFC 9457 problem+json fields every API error carries. */
export interface ProblemFields {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** Lanepay's stable machine code, e.g. `insufficient_funds`; the last segment of `type`. */
  code: string;
  instance: string | undefined;
  /** Any other member of the problem, e.g. `errors`, `decline_code`, `payment`. */
  extra: Record<string, unknown>;
}

/** The API answered with an error (a problem+json body, or a gateway's page read as one). */
export class LanepayApiError extends LanepayError implements ProblemFields {
  override name = 'LanepayApiError';
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly instance: string | undefined;
  readonly extra: Record<string, unknown>;
  /** The `request-id` response header, for support requests and logs. */
  readonly requestId: string | undefined;
  readonly headers: Headers;

  constructor(problem: ProblemFields, headers: Headers) {
    super(`${problem.title}: ${problem.detail} (${problem.code}, HTTP ${problem.status})`);
    this.type = problem.type;
    this.title = problem.title;
    this.status = problem.status;
    this.detail = problem.detail;
    this.code = problem.code;
    this.instance = problem.instance;
    this.extra = problem.extra;
    this.headers = headers;
    this.requestId = headers.get('request-id') ?? undefined;
  }
}

/** 400, 413, 415 and other refusals of the request as sent; `extra.errors` lists the fields. */
export class LanepayInvalidRequestError extends LanepayApiError {
  override name = 'LanepayInvalidRequestError';
}

/** 401: missing, malformed, unknown or revoked API key. */
export class LanepayAuthenticationError extends LanepayApiError {
  override name = 'LanepayAuthenticationError';
}

/** 403: the key may not do this (e.g. on this stage). */
export class LanepayPermissionError extends LanepayApiError {
  override name = 'LanepayPermissionError';
}

/** 404: no such object for this merchant. */
export class LanepayNotFoundError extends LanepayApiError {
  override name = 'LanepayNotFoundError';
}

/** 402: the payment was declined; `extra.payment` is the recorded payment, `extra.decline_code` why. */
export class LanepayPaymentDeclinedError extends LanepayApiError {
  override name = 'LanepayPaymentDeclinedError';
}

/**
 * 409: the object is not in a state that allows this, each reason its own `code`: `payment_not_capturable`,
 * `payment_not_cancelable`, `authorization_expired`, `charge_not_cancelable`, `concurrent_change`, ...
 */
export class LanepayConflictError extends LanepayApiError {
  override name = 'LanepayConflictError';
}

/** 409 `idempotency_key_in_use` (after the retries ran out) or 422 `idempotency_error` (key reused with another body). */
export class LanepayIdempotencyError extends LanepayApiError {
  override name = 'LanepayIdempotencyError';
}

/** 429 after the retries ran out. */
export class LanepayRateLimitError extends LanepayApiError {
  override name = 'LanepayRateLimitError';
}

/** 5xx after the retries ran out. Retrying later with the same Idempotency-Key is safe. */
export class LanepayServerError extends LanepayApiError {
  override name = 'LanepayServerError';
}

/** No HTTP answer: refused connection, reset, DNS failure. */
export class LanepayConnectionError extends LanepayError {
  override name = 'LanepayConnectionError';
}

/** No answer within `timeoutMs`. */
export class LanepayTimeoutError extends LanepayConnectionError {
  override name = 'LanepayTimeoutError';
}

/** A webhook whose signature, timestamp or headers do not verify against the endpoint's secret. */
export class LanepaySignatureVerificationError extends LanepayError {
  override name = 'LanepaySignatureVerificationError';
}

/** The realtime connection was refused, or the server sent an error frame (e.g. a refused subscription). */
export class LanepayRealtimeError extends LanepayError {
  override name = 'LanepayRealtimeError';
  constructor(message: string, readonly code: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** The subclass for an API error, by problem code first and status second. */
export function apiErrorFor(problem: ProblemFields, headers: Headers): LanepayApiError {
  if (problem.code === 'idempotency_key_in_use' || problem.code === 'idempotency_error') return new LanepayIdempotencyError(problem, headers);
  const status = problem.status;
  if (status === 401) return new LanepayAuthenticationError(problem, headers);
  if (status === 402) return new LanepayPaymentDeclinedError(problem, headers);
  if (status === 403) return new LanepayPermissionError(problem, headers);
  if (status === 404) return new LanepayNotFoundError(problem, headers);
  if (status === 409) return new LanepayConflictError(problem, headers);
  if (status === 429) return new LanepayRateLimitError(problem, headers);
  if (status >= 500) return new LanepayServerError(problem, headers);
  if (status >= 400) return new LanepayInvalidRequestError(problem, headers);
  return new LanepayApiError(problem, headers);
}
