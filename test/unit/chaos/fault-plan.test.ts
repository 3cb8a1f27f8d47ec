import { describe, expect, it } from 'vitest';
import { planFaults } from '../../../scripts/chaos/faults.js';

// The chaos run's schedule (scripts/chaos/faults.ts): a printed seed must replay the same faults,
// every kind must happen even in the short run, and faults come one at a time.
describe('the chaos fault plan', () => {
  it('is the same for the same seed and differs for another', () => {
    expect(planFaults(42, 100, { min: 5, max: 15 })).toEqual(planFaults(42, 100, { min: 5, max: 15 }));
    expect(planFaults(43, 100, { min: 5, max: 15 })).not.toEqual(planFaults(42, 100, { min: 5, max: 15 }));
  });

  it('freezes each frozen component and kills each killed one at least once, even when the workload is short', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const kinds = new Set(planFaults(seed, 10, { min: 5, max: 15 }).map(({ fault }) => `${fault.kind} ${fault.component}`));

      expect([...kinds].sort()).toEqual(['freeze dynamodb', 'freeze kms', 'freeze local-a', 'freeze local-b', 'freeze sqs', 'kill offline', 'kill sqs']);
    }
  });

  it('starts each fault after the one before has ended, with freezes within the bounds asked for', () => {
    const plan = planFaults(7, 240, { min: 5, max: 30 });

    for (const [i, planned] of plan.entries()) {
      if (i > 0) expect(planned.atSeconds).toBeGreaterThan(plan[i - 1]!.endsAtSeconds);
      if (planned.fault.kind === 'freeze') {
        expect(planned.fault.seconds).toBeGreaterThanOrEqual(5);
        expect(planned.fault.seconds).toBeLessThanOrEqual(30);
      }
    }
    expect(plan.at(-1)!.atSeconds).toBeGreaterThanOrEqual(240 - 40);
  });
});
