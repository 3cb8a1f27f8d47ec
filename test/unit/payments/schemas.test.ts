import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPaymentBodySchema } from '#lib/money/payments/schemas.js';

const valid = { amount: '1000000', asset: 'USDC', chain: 'local-a', destination: '0x52908400098527886E0F7030069857D2E4169EE7' };

describe('createPaymentBodySchema', () => {
  it.each([
    ['a number instead of a string', { amount: 1000000 }],
    ['a negative amount', { amount: '-5' }],
    ['zero', { amount: '0' }],
    ['a fraction', { amount: '1.5' }],
    ['a leading zero', { amount: '0100' }],
    ['31 digits', { amount: '1'.repeat(31) }],
    ['an exponent', { amount: '1e6' }],
    ['a bad checksum', { destination: '0x52908400098527886E0F7030069857D2E4169Ee7' }],
    ['a short address', { destination: '0x1234' }],
    ['an unknown field', { tip: '1' }],
    ['21 metadata keys', { metadata: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])) }],
    ['an unknown capture mode', { capture: 'later' }],
  ])('rejects %s', (_, change) => {
    expect(createPaymentBodySchema.safeParse({ ...valid, ...change }).success).toBe(false);
  });

  it('accepts an all-lowercase address and returns it checksummed', () => {
    const parsed = createPaymentBodySchema.parse({ ...valid, destination: valid.destination.toLowerCase() });
    expect(parsed.destination).toBe(valid.destination);
    expect(parsed.capture).toBe('automatic');
  });

  it('accepts every positive integer of up to 30 digits', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 30n - 1n }), (amount) => {
        expect(createPaymentBodySchema.safeParse({ ...valid, amount: amount.toString() }).success).toBe(true);
      }),
    );
  });
});
