import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextRetryDelayMs, parseRetryAfterMs, queueDelaySeconds, withJitter } from '#lib/notify/webhooks/retry.js';
import { webhooksConfigSchema } from '#lib/platform/aws/config.js';

const schedule = [5, 300, 1800];
const now = new Date('2030-01-01T00:00:00Z');
const middle = () => 0.5;

describe('webhook retry schedule', () => {
  it('waits the scheduled delay after each failed attempt and stops when the schedule is spent', () => {
    expect(nextRetryDelayMs(schedule, { attempt: 1, statusCode: 500 }, now, middle)).toBe(5_000);
    expect(nextRetryDelayMs(schedule, { attempt: 2 }, now, middle)).toBe(300_000);
    expect(nextRetryDelayMs(schedule, { attempt: 3, statusCode: 502 }, now, middle)).toBe(1_800_000);
    expect(nextRetryDelayMs(schedule, { attempt: 4, statusCode: 500 }, now, middle)).toBeUndefined();
  });

  it('keeps jitter within ±20 % of the delay', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (delayMs, r) => {
        const jittered = withJitter(delayMs, () => r);
        expect(jittered).toBeGreaterThanOrEqual(Math.floor(delayMs * 0.8));
        expect(jittered).toBeLessThanOrEqual(Math.ceil(delayMs * 1.2));
      }),
    );
    expect(withJitter(1000, () => 0)).toBe(800);
    expect(withJitter(1000, () => 0.999999)).toBe(1200);
  });

  it('honours a longer Retry-After on 429 and 503, in seconds or as an HTTP date', () => {
    expect(nextRetryDelayMs(schedule, { attempt: 1, statusCode: 429, retryAfter: '120' }, now, middle)).toBe(120_000);
    expect(nextRetryDelayMs(schedule, { attempt: 1, statusCode: 503, retryAfter: new Date(now.getTime() + 60_000).toUTCString() }, now, middle)).toBe(60_000);
    // Shorter than the schedule: the schedule wins. On a 500 the header is ignored.
    expect(nextRetryDelayMs(schedule, { attempt: 2, statusCode: 429, retryAfter: '1' }, now, middle)).toBe(300_000);
    expect(nextRetryDelayMs(schedule, { attempt: 1, statusCode: 500, retryAfter: '120' }, now, middle)).toBe(5_000);
    // Bounded to a day, and unreadable values fall back to the schedule.
    expect(nextRetryDelayMs(schedule, { attempt: 1, statusCode: 429, retryAfter: '9999999' }, now, middle)).toBe(24 * 3600_000);
    expect(nextRetryDelayMs(schedule, { attempt: 1, statusCode: 429, retryAfter: 'soon' }, now, middle)).toBe(5_000);
  });

  it('reads Retry-After dates in the past as no wait', () => {
    expect(parseRetryAfterMs(new Date(now.getTime() - 5000).toUTCString(), now)).toBe(0);
    expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
  });

  it('chains waits longer than SQS allows in hops of at most 900 s, rounding up to whole seconds', () => {
    expect(queueDelaySeconds(now.getTime() + 36_000_000, now.getTime())).toBe(900);
    expect(queueDelaySeconds(now.getTime() + 1_200, now.getTime())).toBe(2);
    expect(queueDelaySeconds(now.getTime() - 5_000, now.getTime())).toBe(0);
  });

  it('reads the schedule from configuration, with the aws default spanning about three days', () => {
    const base = { STAGE: 'dev', AWS_REGION: 'us-east-1', TABLE_NAME: 't', DATA_KEY_ID: 'alias/k', WEBHOOK_DELIVERY_QUEUE_URL: 'http://q/1', WEBHOOK_DELIVERY_DLQ_URL: 'http://q/2' };
    const defaults = webhooksConfigSchema.parse(base);
    const totalHours = defaults.WEBHOOK_RETRY_SCHEDULE_SECONDS.reduce((a, b) => a + b, 0) / 3600;
    expect(totalHours).toBeGreaterThan(72);
    expect(totalHours).toBeLessThan(80);
    expect(webhooksConfigSchema.parse({ ...base, WEBHOOK_RETRY_SCHEDULE_SECONDS: '1, 1,2' }).WEBHOOK_RETRY_SCHEDULE_SECONDS).toEqual([1, 1, 2]);
    expect(webhooksConfigSchema.safeParse({ ...base, WEBHOOK_RETRY_SCHEDULE_SECONDS: '1,,2' }).success).toBe(false);
  });
});
