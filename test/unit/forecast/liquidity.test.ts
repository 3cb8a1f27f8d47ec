import { describe, expect, it } from 'vitest';
import { LiquidityInputError } from '#lib/treasury/forecast/errors.js';
import { planLiquidity } from '#lib/treasury/forecast/liquidity.js';

/** 100 paths; path j (1..100) pays out j minor units every hour for 12 hours. */
const constantPaths = Array.from({ length: 100 }, (_, j) => new Float64Array(12).fill(j + 1));

describe('planLiquidity', () => {
  it('requires the quantile of cumulative outflow over the lead time and tops up the difference', () => {
    const plan = planLiquidity({ paths: constantPaths, leadTimeHours: 5, availableMinor: 300n, quantile: 0.99 });

    // Cumulative outflows are 5, 10, …, 500; the 99th smallest of 100 is 495.
    expect(plan.requiredMinor).toBe(495n);
    expect(plan.topUpMinor).toBe(195n);
    expect(plan.expectedOutflowMinor).toBe(253n); // 5 · mean(1..100) = 252.5, rounded up
  });

  it('counts the paths whose cumulative outflow exceeds the balance within the lead time', () => {
    const plan = planLiquidity({ paths: constantPaths, leadTimeHours: 5, availableMinor: 300n });

    // 5j > 300 for j = 61..100.
    expect(plan.dryProbability).toBe(0.4);
  });

  it('needs no top-up when the balance covers the quantile, and then nothing runs dry', () => {
    const plan = planLiquidity({ paths: constantPaths, leadTimeHours: 5, availableMinor: 10_000n });

    expect(plan.topUpMinor).toBe(0n);
    expect(plan.dryProbability).toBe(0);
  });

  it('ignores hours after the lead time', () => {
    const late = [Float64Array.from([1, 1, 1, 1_000_000])];

    const plan = planLiquidity({ paths: late, leadTimeHours: 3, availableMinor: 3n });

    expect(plan.requiredMinor).toBe(3n);
    expect(plan.dryProbability).toBe(0);
  });

  it('counts negative simulated hours as no outflow and rounds fractions up', () => {
    const plan = planLiquidity({ paths: [Float64Array.from([-50, 0.2, 0.3])], leadTimeHours: 3, availableMinor: 0n });

    expect(plan.requiredMinor).toBe(1n);
    expect(plan.topUpMinor).toBe(1n);
    expect(plan.dryProbability).toBe(1);
  });

  it('keeps balances beyond 2^53 exact', () => {
    const huge = 2n ** 60n + 1n;

    const plan = planLiquidity({ paths: constantPaths, leadTimeHours: 5, availableMinor: huge });

    expect(plan.topUpMinor).toBe(0n);
    expect(plan.dryProbability).toBe(0);
  });

  it('refuses no paths, a lead time beyond the paths and a quantile outside (0, 1)', () => {
    expect(() => planLiquidity({ paths: [], leadTimeHours: 1, availableMinor: 0n })).toThrow(LiquidityInputError);
    expect(() => planLiquidity({ paths: constantPaths, leadTimeHours: 13, availableMinor: 0n })).toThrow(/longer than the simulated paths/);
    expect(() => planLiquidity({ paths: constantPaths, leadTimeHours: 2, availableMinor: 0n, quantile: 1 })).toThrow(/strictly between 0 and 1/);
  });
});
