import { parseRetryAfterMs } from '../../sdk/src/retry-after.js';

/**
 * When to try a failed delivery again. The schedule (seconds after each failed attempt) is
 * configuration; each delay gets ±20 % jitter so endpoints that failed together (an outage) are
 * not hit by every retry at the same instant when they come back.
 */

export const jitterFraction = 0.2;
/** A receiver's Retry-After is honoured up to this bound, so it cannot park a delivery forever. */
export const maxRetryAfterMs = 24 * 3600_000;
/** SQS refuses a DelaySeconds above 15 minutes; longer waits are chained (see `queueDelaySeconds`). */
export const maxQueueDelaySeconds = 900;

/** A delay scaled by a uniform factor in [1 - jitter, 1 + jitter]; `random` is in [0, 1). */
export function withJitter(delayMs: number, random: () => number): number {
  return Math.round(delayMs * (1 - jitterFraction + 2 * jitterFraction * random()));
}

/**
 * A receiver's Retry-After read as the SDK reads the API's (RFC 9110: delay-seconds or an
 * HTTP-date): one parser, in the dependency-free SDK, since the SDK cannot import lib/.
 */
export { parseRetryAfterMs };

export interface FailedAttempt {
  /** 1 for the first attempt. */
  attempt: number;
  statusCode?: number;
  retryAfter?: string;
}

/**
 * Milliseconds until the next attempt after `failed`, or undefined when the schedule is spent.
 * On 429 and 503 a Retry-After longer than the scheduled delay wins (bounded by `maxRetryAfterMs`).
 */
export function nextRetryDelayMs(scheduleSeconds: number[], failed: FailedAttempt, now: Date, random: () => number): number | undefined {
  const scheduled = scheduleSeconds[failed.attempt - 1];
  if (scheduled === undefined) return undefined;
  const delayMs = withJitter(scheduled * 1000, random);
  if (failed.statusCode !== 429 && failed.statusCode !== 503) return delayMs;
  const retryAfterMs = parseRetryAfterMs(failed.retryAfter, now);
  if (retryAfterMs === undefined) return delayMs;
  return Math.max(delayMs, Math.min(retryAfterMs, maxRetryAfterMs));
}

/** The DelaySeconds for a message due at `notBeforeMs`: whole seconds, at most SQS's 900. */
export function queueDelaySeconds(notBeforeMs: number, nowMs: number): number {
  const remainingSeconds = Math.ceil(Math.max(0, notBeforeMs - nowMs) / 1000);
  return Math.min(remainingSeconds, maxQueueDelaySeconds);
}
