/** When to retry a request, and how long to wait before the next attempt. */
import { parseRetryAfterMs } from './retry-after.js';

export { parseRetryAfterMs };

/** Longest Retry-After the client waits for; a longer one fails the call rather than parking it. */
export const maxRetryAfterMs = 60_000;
const initialDelayMs = 500;
const maxDelayMs = 8_000;

/** Why the last attempt failed, as far as retrying is concerned. */
export type AttemptFailure =
  | { kind: 'connection' }
  | { kind: 'status'; status: number; code: string | undefined; retryAfter: string | null };

/**
 * Whether another attempt may help and is safe. `idempotent` says whether a repeat of the request
 * can do its effect twice: GET and DELETE, and POSTs carrying an Idempotency-Key the API honours.
 * A 429, a 503 `try_again` (a write conflict: nothing was written) and a 503 `overloaded` (the
 * gateway shed the request before any function ran) are retried for every request, since the API
 * refused them before doing anything.
 */
export function shouldRetry(failure: AttemptFailure, idempotent: boolean): boolean {
  if (failure.kind === 'connection') return idempotent;
  if (failure.status === 429 || failure.code === 'try_again' || failure.code === 'overloaded') return true;
  if (!idempotent) return false;
  if (failure.status === 409) return failure.code === 'idempotency_key_in_use';
  return failure.status >= 500;
}

/**
 * Milliseconds before attempt `retry + 1` (retry counts from 1): Retry-After when the API sent one
 * (up to maxRetryAfterMs), otherwise exponential backoff with jitter in [half, full] of the step,
 * so clients that failed together do not come back together.
 */
export function retryDelayMs(retry: number, failure: AttemptFailure, random: () => number = Math.random, now = Date.now()): number {
  const asked = failure.kind === 'status' ? parseRetryAfterMs(failure.retryAfter, now) : undefined;
  if (asked !== undefined) return Math.min(asked, maxRetryAfterMs);
  const step = Math.min(initialDelayMs * 2 ** (retry - 1), maxDelayMs);
  return Math.round(step * (0.5 + random() / 2));
}
