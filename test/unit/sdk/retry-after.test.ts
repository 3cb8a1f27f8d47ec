import { describe, expect, it } from 'vitest';
import { parseHttpDateMs, parseRetryAfterMs } from '../../../sdk/src/retry-after.js';
import { parseRetryAfterMs as webhookRetryAfterMs } from '../../../lib/webhooks/retry.js';

const now = Date.parse('2026-11-26T12:00:00Z');

describe('Retry-After (RFC 9110 §10.2.3)', () => {
  it('reads delay-seconds as whole seconds', () => {
    expect(parseRetryAfterMs('120', now)).toBe(120_000);
    expect(parseRetryAfterMs(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP-date in each of its three forms, a past one as no wait', () => {
    expect(parseRetryAfterMs('Thu, 26 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfterMs('Thursday, 26-Nov-26 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfterMs('Thu Nov 26 12:00:30 2026', now)).toBe(30_000);
    expect(parseRetryAfterMs('Thu Nov  5 12:00:30 2026', now)).toBe(0);
    expect(parseHttpDateMs('Sunday, 06-Nov-94 08:49:37 GMT', now)).toBe(Date.parse('1994-11-06T08:49:37Z'));
  });

  it('ignores what is neither: fractions, ISO 8601 times, impossible dates, words', () => {
    for (const value of ['1.5', '-5', '2026-11-26T12:00:30Z', 'Mon, 31 Feb 2026 12:00:00 GMT', 'Thu, 26 Nov 2026 25:00:00 GMT', 'soon', '']) {
      expect(parseRetryAfterMs(value, now)).toBeUndefined();
    }
    expect(parseRetryAfterMs(null, now)).toBeUndefined();
  });

  it('is the parser webhook deliveries use for receivers', () => {
    expect(webhookRetryAfterMs).toBe(parseRetryAfterMs);
  });
});
