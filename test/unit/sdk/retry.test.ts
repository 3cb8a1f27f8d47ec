import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxRetryAfterMs, parseRetryAfterMs, retryDelayMs, shouldRetry } from '../../../sdk/src/retry.js';

const noHint = { kind: 'status', status: 503, code: 'internal_error', retryAfter: null } as const;

describe('SDK retry schedule', () => {
  it('waits between half and all of 0.5 s doubled per retry, capped at 8 s', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 20 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (retry, random) => {
      const step = Math.min(500 * 2 ** (retry - 1), 8_000);
      const delay = retryDelayMs(retry, noHint, () => random);
      expect(delay).toBeGreaterThanOrEqual(step / 2);
      expect(delay).toBeLessThanOrEqual(step);
    }));
  });

  it('takes Retry-After in seconds or as an HTTP date, up to its bound', () => {
    const now = Date.parse('2026-11-26T12:00:00Z');
    expect(retryDelayMs(1, { ...noHint, retryAfter: '3' }, Math.random, now)).toBe(3_000);
    expect(retryDelayMs(1, { ...noHint, retryAfter: 'Thu, 26 Nov 2026 12:00:05 GMT' }, Math.random, now)).toBe(5_000);
    expect(retryDelayMs(1, { ...noHint, retryAfter: '3600' }, Math.random, now)).toBe(maxRetryAfterMs);
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
  });

  it('repeats only what cannot apply twice: 5xx and idempotency_key_in_use for idempotent calls, 429, try_again and overloaded for all', () => {
    const status = (code: number, problemCode?: string) => ({ kind: 'status', status: code, code: problemCode, retryAfter: null }) as const;
    expect(shouldRetry(status(503), true)).toBe(true);
    expect(shouldRetry(status(503), false)).toBe(false);
    expect(shouldRetry(status(503, 'try_again'), false)).toBe(true);
    expect(shouldRetry(status(503, 'overloaded'), false)).toBe(true);
    expect(shouldRetry(status(429), false)).toBe(true);
    expect(shouldRetry(status(409, 'idempotency_key_in_use'), true)).toBe(true);
    expect(shouldRetry(status(409, 'payment_not_capturable'), true)).toBe(false);
    expect(shouldRetry(status(400), true)).toBe(false);
    expect(shouldRetry({ kind: 'connection' }, true)).toBe(true);
    expect(shouldRetry({ kind: 'connection' }, false)).toBe(false);
  });
});
