import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idTimeMs, newId } from '#lib/platform/ids/index.js';
import { eventListQuerySchema } from '#lib/notify/events/timeline.js';

const idAlphabet = '0123456789abcdefghijklmnopqrstuvwxyz'.split('');

/**
 * GET /v1/events?object_id=... reads the merchant's events from the time in the object's id (its
 * ULID), so the id's shape must be a ULID's: Schemathesis found `re_b5a5jmyvtyywhlwx0y6e9vc0dq`, 26
 * characters of [0-9a-z] but a time past 2^48 ms and a letter (l) Crockford's base32 leaves out,
 * answered with a 500.
 */
describe('the events timeline object id', () => {
  it.each([
    ['the id Schemathesis sent (time past 2^48 ms, and an l)', 're_b5a5jmyvtyywhlwx0y6e9vc0dq'],
    ['a letter base32 leaves out (i, l, o, u)', 'pay_01jzzzzzzzzzzzzzzzzzzzzzzu'],
    ['a first character past 7 (a time past 2^48 ms)', 'ch_81jzzzzzzzzzzzzzzzzzzzzzzz'],
    ['upper case', 'pay_01JZZZZZZZZZZZZZZZZZZZZZZZ'],
  ])('refuses %s', (_, id) => {
    expect(eventListQuerySchema.safeParse({ object_id: id }).success).toBe(false);
  });

  it('accepts the ids Lanepay makes', () => {
    for (const prefix of ['pay', 'ch', 're', 'we', 'kyv', 'cus', 'rpt'] as const) {
      expect(eventListQuerySchema.safeParse({ object_id: newId(prefix) }).success, prefix).toBe(true);
    }
  });

  it('gives every id it accepts a time the timeline can read from', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...idAlphabet), { minLength: 26, maxLength: 26 }), (chars) => {
      const id = `re_${chars.join('')}`;
      if (!eventListQuerySchema.safeParse({ object_id: id }).success) return;
      expect(idTimeMs(id)).toBeGreaterThanOrEqual(0);
    }), { numRuns: 2_000 });
  });
});
