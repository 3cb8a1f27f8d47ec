import { describe, expect, it } from 'vitest';
import { chargeMinDeposit, minDepositFor } from '#lib/money/charges/items.js';

describe('the minimum deposit', () => {
  it('is 0.01 of the asset unless the merchant set one', () => {
    expect(minDepositFor({}, 'USDC')).toBe(10_000n);
    expect(minDepositFor({ minDeposit: { USDC: '2500' } }, 'USDC')).toBe(2_500n);
    expect(minDepositFor({ minDeposit: { EURC: '1' } }, 'USDC')).toBe(10_000n);
  });

  it('of a charge is never above its amount, so a charge for less can be paid in one transfer', () => {
    expect(chargeMinDeposit({}, 'USDC', 5_000n)).toBe(5_000n);
    expect(chargeMinDeposit({}, 'USDC', 25_000_000n)).toBe(10_000n);
    expect(chargeMinDeposit({ minDeposit: { USDC: '0' } }, 'USDC', undefined)).toBe(0n);
    expect(chargeMinDeposit({}, 'USDC', undefined)).toBe(10_000n);
  });
});
