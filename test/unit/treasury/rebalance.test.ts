import { describe, expect, it } from 'vitest';
import { cumulativeOutflows, dryProbability, landedByHour, planRebalancing, RebalanceInputError, type ChainLiquidity, type RebalancePolicy, type RebalanceSettings } from '#lib/treasury/rebalance/index.js';

/** 100 paths paying `perHour` every hour for `hours` hours: a certain future, so every need is exact. */
const steady = (perHour: number, hours = 4) => Array.from({ length: 100 }, () => new Float64Array(hours).fill(perHour));
/** Path j (1..100) pays j every hour: the 90 % quantile of 4 h is 360, the 99 % one 396. */
const spread = (hours = 4) => Array.from({ length: 100 }, (_, j) => new Float64Array(hours).fill(j + 1));

const settings: RebalanceSettings = { quantile: 0.99, shortfallProbability: 0.05 };
const policy: RebalancePolicy = { hotWalletFloorMinor: 0n, hotWalletCeilingMinor: 10_000n, treasuryFloorMinor: 0n, maxPerProposalMinor: 10_000n, minimumMoveMinor: 1n };

function chain(name: string, overrides: Partial<ChainLiquidity> = {}): ChainLiquidity {
  return {
    chain: name, asset: 'USDC', forecastGeneratedAt: '2026-12-07T10:00:00.000Z', paths: steady(10), horizonHours: 4,
    hotWalletAvailableMinor: 40n, treasuryMinor: 0n, leadHours: { sameChain: 0, crossChain: 0 }, ...overrides,
  };
}
const policies = (overrides: Record<string, Partial<RebalancePolicy>> = {}) =>
  ({ a: { ...policy, ...overrides.a }, b: { ...policy, ...overrides.b }, c: { ...policy, ...overrides.c } });
const moves = (proposals: ReturnType<typeof planRebalancing>) =>
  proposals.map((p) => `${p.from.chain}.${p.from.account} -> ${p.to.chain}.${p.to.account} ${p.amountMinor}`);

describe('planRebalancing: who is short', () => {
  it('proposes nothing when every hot wallet holds its horizon outflow', () => {
    const proposals = planRebalancing([chain('a', { treasuryMinor: 1000n }), chain('b', { treasuryMinor: 1000n })], policies(), settings);

    expect(proposals).toEqual([]);
  });

  it('tops up a hot wallet by what its paths need over the horizon beyond what it holds', () => {
    const proposals = planRebalancing([chain('a', { hotWalletAvailableMinor: 15n, treasuryMinor: 1000n })], policies(), settings);

    expect(moves(proposals)).toEqual(['a.treasury -> a.hot_wallet 25']);
    expect(proposals[0]!.reason).toMatchObject({ kind: 'top_up', topUpMinor: 25n, dryProbabilityBefore: 1, dryProbabilityAfter: 0 });
  });

  it('covers the quantile of the paths, not their mean', () => {
    const proposals = planRebalancing([chain('a', { paths: spread(), hotWalletAvailableMinor: 0n, treasuryMinor: 1000n })], policies(), settings);

    // 4 h of path 99 (the 99th of 100) is 396; the mean path would ask for 202.
    expect(moves(proposals)).toEqual(['a.treasury -> a.hot_wallet 396']);
    expect(proposals[0]!.reason.dryProbabilityAfter).toBe(0.01);
  });

  it('counts money already on its way, but only from the hour it lands', () => {
    const covered = chain('a', { hotWalletAvailableMinor: 0n, treasuryMinor: 1000n, inbound: [{ amountMinor: 40n, afterHours: 0 }] });
    const late = chain('a', { hotWalletAvailableMinor: 10n, treasuryMinor: 1000n, inbound: [{ amountMinor: 30n, afterHours: 2.5 }] });

    expect(planRebalancing([covered], policies(), settings)).toEqual([]);
    // The 30 lands halfway through the third hour, so it counts from the fourth: by the end of the
    // third, 30 has gone out of the 10 held (20 short); by the fourth's, 40 of 10 + 30 (none).
    expect(moves(planRebalancing([late], policies(), settings))).toEqual(['a.treasury -> a.hot_wallet 20']);
  });

  it('asks only for what helps after the move can land: earlier hours are for what the wallet holds', () => {
    // 15 held and 30 landing in hour 4: hours 2 and 3 are 5 and 15 short, hour 4 is covered.
    const at = (sameChain: number) => chain('a', { hotWalletAvailableMinor: 15n, treasuryMinor: 1000n, inbound: [{ amountMinor: 30n, afterHours: 3 }], leadHours: { sameChain, crossChain: sameChain } });

    expect(moves(planRebalancing([at(0)], policies(), settings))).toEqual(['a.treasury -> a.hot_wallet 15']);
    expect(moves(planRebalancing([at(1.5)], policies(), settings))).toEqual(['a.treasury -> a.hot_wallet 15']);
    // Landing in hour 4 with the 30, it would fix nothing.
    expect(planRebalancing([at(2.5)], policies(), settings)).toEqual([]);
  });

  it('fills a hot wallet to its floor even when the forecast needs less', () => {
    const proposals = planRebalancing([chain('a', { treasuryMinor: 1000n })], policies({ a: { hotWalletFloorMinor: 100n } }), settings);

    expect(moves(proposals)).toEqual(['a.treasury -> a.hot_wallet 60']);
  });
});

describe('planRebalancing: where the money comes from', () => {
  it('tops up from the chain\'s own treasury before any other chain\'s', () => {
    const proposals = planRebalancing([chain('a', { hotWalletAvailableMinor: 0n, treasuryMinor: 1000n }), chain('b', { treasuryMinor: 5000n })], policies(), settings);

    expect(moves(proposals)).toEqual(['a.treasury -> a.hot_wallet 40']);
  });

  it('crosses chains only for what the own treasury cannot give', () => {
    const proposals = planRebalancing([chain('a', { hotWalletAvailableMinor: 0n, treasuryMinor: 15n }), chain('b', { treasuryMinor: 5000n })], policies(), settings);

    expect(moves(proposals)).toEqual(['a.treasury -> a.hot_wallet 15', 'b.treasury -> a.hot_wallet 25']);
  });

  it('takes from other treasuries before over-covered hot wallets, and the largest surplus first', () => {
    const chains = [chain('a', { hotWalletAvailableMinor: 0n }), chain('b', { hotWalletAvailableMinor: 5000n, treasuryMinor: 20n }), chain('c', { treasuryMinor: 30n })];

    const proposals = planRebalancing(chains, policies(), settings);

    expect(moves(proposals)).toEqual(['c.treasury -> a.hot_wallet 30', 'b.treasury -> a.hot_wallet 10']);
  });

  it('moves an over-covered hot wallet\'s surplus to a short one when no treasury can', () => {
    const proposals = planRebalancing([chain('a', { hotWalletAvailableMinor: 0n }), chain('b', { hotWalletAvailableMinor: 45n })], policies(), settings);

    // b needs its own 40 over its horizon: only 5 is surplus.
    expect(moves(proposals)).toEqual(['b.hot_wallet -> a.hot_wallet 5']);
    expect(proposals[0]!.reason.sourceDryProbabilityAfter).toBe(0);
  });

  it('never leaves a hot wallet source short on its own paths', () => {
    // Quantile 0.9 calls 40 of b's 400 surplus; leaving b with 360 would run it dry on 10 % of its paths,
    // above the 2 % allowed: the amount shrinks until b stays covered.
    const strict = { quantile: 0.9, shortfallProbability: 0.02 };
    const b = chain('b', { paths: spread(), hotWalletAvailableMinor: 400n });

    const proposals = planRebalancing([chain('a', { hotWalletAvailableMinor: 0n }), b], policies(), strict);

    expect(proposals).toHaveLength(1);
    const left = 400n - proposals[0]!.amountMinor;
    const dry = dryProbability(cumulativeOutflows(b.paths, 4), left, landedByHour([], 4));
    expect(dry).toBeLessThanOrEqual(0.02);
    expect(proposals[0]!.reason.sourceDryProbabilityAfter).toBe(dry);
    expect(proposals[0]!.amountMinor).toBe(5n); // 40 halved three times: 396 left, 1 % dry
  });

  it('never offers another chain what its own hot wallet needs from its treasury', () => {
    // b's hot wallet lacks 40 and its treasury holds 50, but at most 30 moves per proposal: 10 of the
    // 20 left are b's own, so a gets 10, not 20.
    const proposals = planRebalancing(
      [chain('a', { hotWalletAvailableMinor: 0n }), chain('b', { hotWalletAvailableMinor: 0n, treasuryMinor: 50n })],
      policies({ b: { maxPerProposalMinor: 30n } }),
      settings,
    );

    expect(moves(proposals)).toEqual(['b.treasury -> b.hot_wallet 30', 'b.treasury -> a.hot_wallet 10']);
  });
});

describe('planRebalancing: limits', () => {
  it('keeps a treasury at or above its floor', () => {
    const proposals = planRebalancing([chain('a', { hotWalletAvailableMinor: 0n, treasuryMinor: 125n }), chain('b', { treasuryMinor: 100n })],
      policies({ a: { treasuryFloorMinor: 100n }, b: { treasuryFloorMinor: 100n } }), settings);

    expect(moves(proposals)).toEqual(['a.treasury -> a.hot_wallet 25']);
  });

  it('moves at most the maximum per proposal, the lower of the two chains\'', () => {
    const proposals = planRebalancing([chain('a', { hotWalletAvailableMinor: 0n, paths: steady(100), treasuryMinor: 1000n }), chain('b', { treasuryMinor: 1000n })],
      policies({ a: { maxPerProposalMinor: 150n }, b: { maxPerProposalMinor: 100n } }), settings);

    // a needs 400: 150 from its own treasury, 100 from b's, the rest on a later run.
    expect(moves(proposals)).toEqual(['a.treasury -> a.hot_wallet 150', 'b.treasury -> a.hot_wallet 100']);
  });

  it('never tops a hot wallet up above its ceiling, money on its way included', () => {
    const proposals = planRebalancing([chain('a', { hotWalletAvailableMinor: 0n, treasuryMinor: 1000n, inbound: [{ amountMinor: 10n, afterHours: 3 }] })],
      policies({ a: { hotWalletCeilingMinor: 25n } }), settings);

    expect(moves(proposals)).toEqual(['a.treasury -> a.hot_wallet 15']);
  });

  it('sends a hot wallet\'s excess over its ceiling back to its treasury, keeping what it needs', () => {
    const over = planRebalancing([chain('a', { hotWalletAvailableMinor: 100n })], policies({ a: { hotWalletCeilingMinor: 60n } }), settings);
    const tight = planRebalancing([chain('a', { hotWalletAvailableMinor: 100n })], policies({ a: { hotWalletCeilingMinor: 20n } }), settings);

    expect(moves(over)).toEqual(['a.hot_wallet -> a.treasury 40']);
    expect(over[0]!.reason).toMatchObject({ kind: 'sweep', topUpMinor: 0n, sourceDryProbabilityAfter: 0 });
    // Down to 20 would leave it short of the 40 it needs: it sends 60, not 80.
    expect(moves(tight)).toEqual(['a.hot_wallet -> a.treasury 60']);
  });

  it('rounds a small need up to the minimum worth moving, and proposes nothing it cannot fund to that minimum', () => {
    const small = planRebalancing([chain('a', { hotWalletAvailableMinor: 37n, treasuryMinor: 1000n })], policies({ a: { minimumMoveMinor: 10n } }), settings);
    const poor = planRebalancing([chain('a', { hotWalletAvailableMinor: 0n, treasuryMinor: 9n })], policies({ a: { minimumMoveMinor: 10n } }), settings);
    const cramped = planRebalancing([chain('a', { hotWalletAvailableMinor: 37n, treasuryMinor: 1000n })], policies({ a: { minimumMoveMinor: 10n, hotWalletCeilingMinor: 44n } }), settings);

    expect(moves(small)).toEqual(['a.treasury -> a.hot_wallet 10']);
    expect(poor).toEqual([]);
    // Rounding 3 up to 10 would pass the ceiling (room for 7): nothing.
    expect(cramped).toEqual([]);
  });
});

describe('planRebalancing: the proposal', () => {
  it('reports the destination\'s dry probability with the transfer landing after its lead time', () => {
    // Cross-chain money lands in hour 3: hours 1 and 2 stay dry on every path whatever the amount.
    const a = chain('a', { hotWalletAvailableMinor: 0n, leadHours: { sameChain: 0, crossChain: 2.2 } });

    const [proposal] = planRebalancing([a, chain('b', { treasuryMinor: 1000n })], policies(), settings);

    expect(proposal!.reason).toMatchObject({ dryProbabilityBefore: 1, dryProbabilityAfter: 1 });
  });

  it('has an id that depends only on its inputs', () => {
    const run = (generatedAt: string) => planRebalancing([chain('a', { hotWalletAvailableMinor: 0n, treasuryMinor: 100n, forecastGeneratedAt: generatedAt })], policies(), settings);

    const first = run('2026-12-07T10:00:00.000Z')[0]!;
    expect(run('2026-12-07T10:00:00.000Z')[0]!.id).toBe(first.id);
    expect(run('2026-12-07T11:00:00.000Z')[0]!.id).not.toBe(first.id);
    expect(first).toMatchObject({ asset: 'USDC', amountMinor: 40n, reason: { forecastGeneratedAt: '2026-12-07T10:00:00.000Z' } });
    expect(first.id).toMatch(/^rbp_[0-9a-f]{24}$/);
  });

  it('refuses a policy that contradicts itself, a chain without one, and mixed assets', () => {
    expect(() => planRebalancing([chain('a')], policies({ a: { hotWalletFloorMinor: 20_000n } }), settings)).toThrow(RebalanceInputError);
    expect(() => planRebalancing([chain('z')], policies(), settings)).toThrow(/no rebalancing policy for chain z/);
    expect(() => planRebalancing([chain('a'), chain('b', { asset: 'EURC' })], policies(), settings)).toThrow(/one asset per run/);
    expect(() => planRebalancing([chain('a', { horizonHours: 5 })], policies(), settings)).toThrow(/shorter than the horizon/);
  });
});
