// The two ways of keeping hot wallets paying that `npm run bench:treasury` compares.
import { forecastBatch } from '#lib/treasury/forecast/engine.js';
import { planRebalancing, type ChainLiquidity, type RebalancePolicy, type RebalanceSettings } from '#lib/treasury/rebalance/index.js';
import { availableMinor, inboundMinor, type Strategy, type WorldView } from './world.js';

export interface FixedRule {
  thresholdMinor: bigint;
  targetMinor: bigint;
}

/**
 * The usual manual practice, as an alarm an operator answers at once: when a hot wallet, with what
 * is on its way, falls under its threshold, refill it to its target from its own treasury, and
 * what that treasury lacks from another chain's (CCTP).
 */
export function fixedTopUp(rules: Readonly<Record<string, FixedRule>>): Strategy {
  return (view) => {
    for (const chain of view.chains) {
      const rule = rules[chain.name]!;
      const position = availableMinor(chain) + inboundMinor(view, chain.name);
      if (position >= rule.thresholdMinor) continue;
      let wanted = rule.targetMinor - position;
      const own = min(wanted, chain.treasuryMinor);
      view.send({ chain: chain.name, account: 'treasury' }, { chain: chain.name, account: 'hot_wallet' }, own);
      wanted -= own;
      for (const other of view.chains.filter((candidate) => candidate !== chain)) {
        const moved = min(wanted, other.treasuryMinor);
        view.send({ chain: other.name, account: 'treasury' }, { chain: chain.name, account: 'hot_wallet' }, moved);
        wanted -= moved;
      }
    }
  };
}

export interface ForecastDriven {
  policies: Readonly<Record<string, RebalancePolicy>>;
  settings: RebalanceSettings;
  /** Hours each hot wallet must stay covered (the planner's horizon). */
  horizonHours: number;
  /** Hours between refits of the forecast; the planner runs every hour on the latest fit's paths. */
  refitHours: number;
  historyHours: number;
  pathCount: number;
}

/** Refits the forecast engine on the history so far, then runs the planner every hour and sends its proposals. */
export function forecastDriven(options: ForecastDriven, stats: { fits: number; fitMs: number }): Strategy {
  let fit: { hour: number; generatedAt: string; paths: Float64Array[][] } | undefined;
  return (view) => {
    if (view.minute % 60 !== 0) return;
    const hour = view.minute / 60;
    if (!fit || hour - fit.hour >= options.refitHours) {
      const started = performance.now();
      const histories = view.chains.map((chain) => view.historyOf(chain.name).slice(-options.historyHours));
      const batch = forecastBatch(histories, { horizon: options.horizonHours + options.refitHours - 1, pathCount: options.pathCount, seed: hour + 1 });
      fit = { hour, generatedAt: `hour ${hour}`, paths: batch.forecasts.map((forecast) => forecast.paths) };
      stats.fits++;
      stats.fitMs += performance.now() - started;
    }
    const shift = hour - fit.hour;
    const leadHours = { sameChain: (view.delays.approvalMinutes + view.delays.sameChainMinutes) / 60, crossChain: (view.delays.approvalMinutes + view.delays.cctpMinutes) / 60 };
    const chains: ChainLiquidity[] = view.chains.map((chain, i) => ({
      chain: chain.name, asset: 'USDC', forecastGeneratedAt: fit!.generatedAt,
      paths: fit!.paths[i]!.map((path) => path.subarray(shift, shift + options.horizonHours)),
      horizonHours: options.horizonHours,
      hotWalletAvailableMinor: availableMinor(chain),
      treasuryMinor: chain.treasuryMinor,
      inbound: inbound(view, chain.name),
      leadHours,
    }));
    for (const proposal of planRebalancing(chains, options.policies, options.settings)) view.send(proposal.from, proposal.to, proposal.amountMinor);
  };
}

function inbound(view: WorldView, chain: string) {
  return view.pending
    .filter((transfer) => transfer.to.chain === chain && transfer.to.account === 'hot_wallet')
    .map((transfer) => ({ amountMinor: transfer.amountMinor, afterHours: (transfer.landsAtMinute - view.minute) / 60 }));
}

const min = (a: bigint, b: bigint) => (a < b ? a : b);
