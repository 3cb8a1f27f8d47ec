// Forecast-driven rebalancing against a fixed top-up rule: `npm run bench:treasury`. Two weeks of
// synthetic payouts on two chains (lib/treasury/flows/synthetic.ts: daily and weekly seasonality,
// trend, bursts), minute by minute, run twice on the same flows: (a) the fixed rule an operator
// sets from the six weeks before, (b) the forecast engine refitted on the history so far and the
// rebalancing planner (lib/treasury/rebalance) every hour. Prints each hot wallet's minutes short,
// its capital and the transfers, and the capital ratio (b)/(a). `--refit-hours N`, `--seed N`,
// `--min-move-hours N` (the smallest move, in hours of average outflow), `--quantile Q`,
// `--horizon-hours N` (the planner's), `--fit-days N` (history each fit reads).
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { syntheticFlows } from '#lib/treasury/flows/synthetic.js';
import type { FlowBucket } from '#lib/treasury/flows/flow-items.js';
import type { RebalancePolicy } from '#lib/treasury/rebalance/index.js';
import { fixedTopUp, forecastDriven, type FixedRule } from './treasury/strategies.js';
import { simulate, type ChainFigures, type ChainSetup, type Delays } from './treasury/world.js';

const { values: args } = parseArgs({ options: {
  'refit-hours': { type: 'string', default: '1' },
  seed: { type: 'string', default: '7' },
  'min-move-hours': { type: 'string', default: '4' },
  quantile: { type: 'string', default: '0.999' },
  'horizon-hours': { type: 'string', default: '6' },
  'fit-days': { type: 'string', default: '28' },
} });
const seed = Number(args.seed);
const refitHours = Number(args['refit-hours']);
const minimumMoveHours = BigInt(args['min-move-hours']);

const historyDays = 42;
const runDays = 14;
const startHour = Date.UTC(2026, 10, 2) / 3_600_000; // a Monday, 00:00 UTC
const usdc = (amount: number) => BigInt(Math.round(amount * 1e6));
const delays: Delays = { approvalMinutes: 60, sameChainMinutes: 2, cctpMinutes: 20 };

// A busy chain and a smaller one whose treasury holds only a few days: its refills come across chains.
const chainSpecs = [
  { name: 'chain-a', meanHourly: usdc(8_000), ticket: usdc(250), seed: seed * 100 + 1, treasuryDays: { own: 40, other: 20 } },
  { name: 'chain-b', meanHourly: usdc(2_500), ticket: usdc(80), seed: seed * 100 + 2, treasuryDays: { own: 3, other: 0 } },
];

const generated = chainSpecs.map((spec) => {
  const buckets = syntheticFlows({ hours: (historyDays + runDays) * 24, endHour: startHour + runDays * 24, meanHourlyMinor: spec.meanHourly, meanTicketMinor: spec.ticket, trend: 0.1, seed: spec.seed });
  const history = buckets.slice(0, historyDays * 24);
  return { spec, history, flows: buckets.slice(historyDays * 24), ...observed(history) };
});

/** What an operator reads off the history: the average day, the busiest day and the busiest hour. */
function observed(history: readonly FlowBucket[]) {
  const days: bigint[] = [];
  history.forEach((bucket, i) => { days[Math.floor(i / 24)] = (days[Math.floor(i / 24)] ?? 0n) + bucket.payoutMinor; });
  const total = days.reduce((a, b) => a + b, 0n);
  return { averageDayMinor: total / BigInt(days.length), peakDayMinor: days.reduce((a, b) => (b > a ? b : a)), peakHourMinor: history.reduce((a, b) => (b.payoutMinor > a ? b.payoutMinor : a), 0n) };
}

// (a) Refill to three days of the busiest day's outflow when under one such day.
const fixedRules: Record<string, FixedRule> = Object.fromEntries(generated.map((chain) => [chain.spec.name, { thresholdMinor: chain.peakDayMinor, targetMinor: 3n * chain.peakDayMinor }]));
// (b) The planner's limits: never more than a busiest day hot, at least the busiest hour.
const policies: Record<string, RebalancePolicy> = Object.fromEntries(generated.map((chain) => [chain.spec.name, {
  hotWalletFloorMinor: chain.peakHourMinor,
  hotWalletCeilingMinor: chain.peakDayMinor,
  treasuryFloorMinor: 0n,
  maxPerProposalMinor: chain.peakDayMinor,
  minimumMoveMinor: (chain.averageDayMinor * minimumMoveHours) / 24n,
}]));

const setups: ChainSetup[] = generated.map((chain) => {
  const other = generated.find((candidate) => candidate !== chain)!;
  return {
    name: chain.spec.name, history: chain.history, flows: chain.flows,
    // Both strategies start from the fixed rule's target.
    hotWalletMinor: fixedRules[chain.spec.name]!.targetMinor,
    treasuryMinor: BigInt(chain.spec.treasuryDays.own) * chain.averageDayMinor + BigInt(chain.spec.treasuryDays.other) * other.averageDayMinor,
  };
});

const started = performance.now();
const fixed = simulate(setups, delays, fixedTopUp(fixedRules), seed);
const stats = { fits: 0, fitMs: 0 };
const fitDays = Number(args['fit-days']);
const forecastOptions = { policies, settings: { quantile: Number(args.quantile), shortfallProbability: 0.05 }, horizonHours: Number(args['horizon-hours']), refitHours, historyHours: fitDays * 24, pathCount: 1000 };
const driven = simulate(setups, delays, forecastDriven(forecastOptions, stats), seed);
const seconds = (performance.now() - started) / 1000;

const usd = (minor: bigint) => `${(Number(minor) / 1e6).toLocaleString('en-US', { maximumFractionDigits: 0 })}`;
const row = (label: string, figures: ChainFigures) =>
  `  ${label.padEnd(22)} ${String(figures.minutesShort).padStart(7)} ${String(figures.payoutsDelayed).padStart(8)} ${usd(figures.averageHotMinor).padStart(12)} ${usd(figures.peakHotMinor).padStart(12)} ${usd(figures.settledPeakHotMinor).padStart(12)} ${`${figures.transfers} (${figures.crossChainTransfers})`.padStart(10)}`;
const sum = (figures: Map<string, ChainFigures>, pick: (figure: ChainFigures) => bigint) => [...figures.values()].reduce((total, figure) => total + pick(figure), 0n);
const ratio = (b: bigint, a: bigint) => (Number(b) / Number(a)).toFixed(3);

console.log(`Treasury rebalancing: ${runDays} days of payouts on ${setups.length} chains, minute by minute (seed ${seed})`);
console.log(`Lead times: approval ${delays.approvalMinutes} min, then ${delays.sameChainMinutes} min on the same chain or ${delays.cctpMinutes} min by CCTP`);
for (const chain of generated) {
  const rule = fixedRules[chain.spec.name]!;
  const policy = policies[chain.spec.name]!;
  console.log(`${chain.spec.name}: average day ${usd(chain.averageDayMinor)} USDC, busiest day ${usd(chain.peakDayMinor)}, busiest hour ${usd(chain.peakHourMinor)} (the ${historyDays} days before)`);
  console.log(`  (a) fixed: under ${usd(rule.thresholdMinor)} refill to ${usd(rule.targetMinor)}; (b) planner: floor ${usd(policy.hotWalletFloorMinor)}, ceiling ${usd(policy.hotWalletCeilingMinor)}, max ${usd(policy.maxPerProposalMinor)}, min move ${usd(policy.minimumMoveMinor)}`);
}
console.log(`(b): quantile ${forecastOptions.settings.quantile}, source dry probability ≤ ${forecastOptions.settings.shortfallProbability}, horizon ${forecastOptions.horizonHours} h, refit every ${refitHours} h on the last ${fitDays} days, ${forecastOptions.pathCount} paths`);
console.log('');
console.log(`  ${'chain / strategy'.padEnd(22)} ${'min short'.padStart(7)} ${'delayed'.padStart(8)} ${'avg hot USDC'.padStart(12)} ${'peak hot'.padStart(12)} ${'from day 2'.padStart(12)} ${'transfers (CCTP)'.padStart(10)}`);
for (const { name } of setups) {
  console.log(row(`${name} (a) fixed`, fixed.get(name)!));
  console.log(row(`${name} (b) forecast`, driven.get(name)!));
  console.log(`  ${''.padEnd(22)} capital (b)/(a): average ${ratio(driven.get(name)!.averageHotMinor, fixed.get(name)!.averageHotMinor)}, peak ${ratio(driven.get(name)!.peakHotMinor, fixed.get(name)!.peakHotMinor)}, peak from day 2 ${ratio(driven.get(name)!.settledPeakHotMinor, fixed.get(name)!.settledPeakHotMinor)}`);
}
const averageRatio = ratio(sum(driven, (figure) => figure.averageHotMinor), sum(fixed, (figure) => figure.averageHotMinor));
console.log('');
console.log(`Both chains: minutes short (a) ${[...fixed.values()].reduce((t, f) => t + f.minutesShort, 0)}, (b) ${[...driven.values()].reduce((t, f) => t + f.minutesShort, 0)}; average hot-wallet capital (b)/(a) ${averageRatio}`);
console.log(`Time: ${seconds.toFixed(1)} s (${stats.fits} forecast fits, ${(stats.fitMs / 1000).toFixed(1)} s); load average ${loadavg().map((load) => load.toFixed(2)).join(' ')}`);
