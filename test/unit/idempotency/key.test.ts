import { describe, expect, it } from 'vitest';
import { ValidationError } from '#lib/platform/errors/index.js';
import { parseIdempotencyKey } from '#lib/platform/idempotency/store.js';

describe('parseIdempotencyKey', () => {
  it('takes 1-255 printable ASCII characters', () => {
    expect(parseIdempotencyKey('b2f0c8e4-3b1f-4c8a-9d0e-1f2a3b4c5d6e', { required: true, route: 'POST /v1/payments' })).toBe('b2f0c8e4-3b1f-4c8a-9d0e-1f2a3b4c5d6e');
    expect(parseIdempotencyKey('~'.repeat(255), { required: false, route: 'POST /v1/payments/x/capture' })).toBe('~'.repeat(255));
  });

  it('lets an optional key be absent but checks one that is sent', () => {
    expect(parseIdempotencyKey(undefined, { required: false, route: 'POST /v1/payments/x/cancel' })).toBeUndefined();
    for (const bad of ['', 'a b', 'ключ', 'x'.repeat(256), 'tab\there']) {
      expect(() => parseIdempotencyKey(bad, { required: false, route: 'POST /v1/payments/x/cancel' }), JSON.stringify(bad)).toThrow(ValidationError);
    }
  });

  it('requires a key where the route demands one, naming the header', () => {
    const refusal = (() => {
      try {
        parseIdempotencyKey(undefined, { required: true, route: 'every POST /v1/payments' });
      } catch (error) {
        return error as ValidationError;
      }
      return undefined;
    })();
    expect(refusal).toBeInstanceOf(ValidationError);
    expect(refusal!.problems).toEqual([{ field: 'Idempotency-Key', message: 'is required' }]);
  });
});
