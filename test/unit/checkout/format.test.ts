import { describe, expect, it } from 'vitest';
import { fill, formatAmount, formatCountdown } from '#api/pages/checkout/format.js';

describe('checkout amounts', () => {
  it('show minor units as decimals with at least two places', () => {
    expect(formatAmount('2500000', 6)).toBe('2.50');
    expect(formatAmount('1', 6)).toBe('0.000001');
    expect(formatAmount('1230000', 6)).toBe('1.23');
    expect(formatAmount(1234567n, 6)).toBe('1.234567');
    expect(formatAmount('100000000', 6)).toBe('100.00');
    expect(formatAmount('0', 6)).toBe('0.00');
    expect(formatAmount('5', 0)).toBe('5');
  });

  it('keep every digit of amounts beyond 2^53', () => {
    expect(formatAmount('123456789012345678901234', 6)).toBe('123456789012345678.901234');
  });
});

describe('checkout countdown', () => {
  it('reads M:SS under an hour and H:MM:SS above, rounding up to whole seconds', () => {
    expect(formatCountdown(29 * 60_000 + 5_000)).toBe('29:05');
    expect(formatCountdown(1)).toBe('0:01');
    expect(formatCountdown(3600_000 + 61_000)).toBe('1:01:01');
  });

  it('stops at zero once past', () => {
    expect(formatCountdown(0)).toBe('0:00');
    expect(formatCountdown(-5000)).toBe('0:00');
  });
});

describe('message templates', () => {
  it('fill named values and leave unknown names visible', () => {
    expect(fill('Pay {amount} {asset}', { amount: '1.00', asset: 'USDC' })).toBe('Pay 1.00 USDC');
    expect(fill('{missing} left', {})).toBe('{missing} left');
  });
});
