import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { countSignInAttempt } from '#lib/merchants/sessions/rate-limit.js';
import { RateLimitedError } from '#lib/platform/errors/index.js';
import { clients } from '../../support/deps.js';
import { stack } from '../../support/stack.js';

describe('console sign-in rate limit on the emulator', () => {
  const deps = () => ({ dynamodb: clients().dynamodb, tableName: stack().tableName });

  it('lets exactly the limit through when attempts race, one conditional counter and no read', async () => {
    const who = `ip:test-${randomUUID()}`;
    const limit = { attempts: 5, windowMs: 5 * 60_000 };
    const nowMs = Date.now();
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => countSignInAttempt(deps(), who, limit, nowMs)));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(5);
    const refusals = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    expect(refusals).toHaveLength(15);
    for (const refusal of refusals) expect(refusal).toBeInstanceOf(RateLimitedError);
  });

  it('answers with the seconds left in the window, and counts afresh in the next one', async () => {
    const who = `member:mem_test${randomUUID()}`;
    const limit = { attempts: 1, windowMs: 60_000 };
    const windowStartMs = Math.floor(Date.now() / 60_000) * 60_000;
    await countSignInAttempt(deps(), who, limit, windowStartMs + 1_000);
    await expect(countSignInAttempt(deps(), who, limit, windowStartMs + 20_500)).rejects.toMatchObject({ code: 'rate_limited', retryAfterSeconds: 40 });
    await expect(countSignInAttempt(deps(), who, limit, windowStartMs + 60_000)).resolves.toBeUndefined();
  });
});
