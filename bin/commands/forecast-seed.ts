import { parseUnits } from 'ethers';
import { ledgerDecimals } from '#ledger';
import { epochHour, syntheticFlows, writeFlowBuckets } from '#treasury';
import { StackError } from '../../scripts/stack/errors.js';
import { defineCommand } from '../command.js';
import { requiredOption, stageChainRegistry, stageDeps } from '../stage.js';
import { tokens } from '../forecast/format.js';

export default defineCommand({
  name: 'forecast seed',
  description: 'Books a synthetic payout history (seasonality, trend, noise, bursts) into the hourly flow totals; not on prod',
  options: {
    chain: { type: 'string', placeholder: 'name', description: 'a chain of the registry (required)' },
    days: { type: 'string', default: '28', placeholder: 'n', description: 'days of history ending with the last full hour (2-90)' },
    asset: { type: 'string', default: 'USDC', placeholder: 'symbol' },
    level: { type: 'string', default: '2000', placeholder: 'tokens', description: 'mean hourly payout volume at the start, in whole tokens' },
    ticket: { type: 'string', default: '150', placeholder: 'tokens', description: 'mean payout size, in whole tokens (sets the counts)' },
    trend: { type: 'string', default: '0.15', placeholder: 'fraction', description: 'growth over the whole history, e.g. 0.15 for +15 %' },
    seed: { type: 'string', default: '1', placeholder: 'n', description: 'the same seed gives the same history' },
  },
  async run({ stage, values, print }) {
    // Synthetic flows would mislead a real wallet's plan.
    if (stage === 'prod') throw new StackError('A synthetic history cannot be seeded on prod: its forecasts plan real hot wallets.');
    const chainName = requiredOption(values.chain, 'chain', 'local-a');
    const days = wholeNumber(values.days, 'days', 2, 90);
    const seed = wholeNumber(values.seed, 'seed', 0, 2 ** 32 - 1);
    const decimals = ledgerDecimals[values.asset];
    if (decimals === undefined) throw new StackError(`--asset ${values.asset} is not an asset the ledger carries (${Object.keys(ledgerDecimals).join(', ')}).`);
    const trend = Number(values.trend);
    if (!Number.isFinite(trend) || trend <= -1) throw new StackError(`--trend ${JSON.stringify(values.trend)} must be a number above -1.`);
    const registry = stageChainRegistry(stage);
    const chain = registry.get(chainName);
    if (!chain) throw new StackError(`--chain ${chainName} is not in the registry (${registry.names().join(', ')}).`);
    if (!chain.assets.some((asset) => asset.symbol === values.asset)) throw new StackError(`Chain ${chainName} carries no ${values.asset}.`);

    const buckets = syntheticFlows({
      hours: days * 24,
      endHour: epochHour(new Date()),
      meanHourlyMinor: tokenAmount(values.level, 'level', decimals),
      meanTicketMinor: tokenAmount(values.ticket, 'ticket', decimals),
      trend,
      seed,
    });
    const deps = stageDeps(stage);
    try {
      await writeFlowBuckets(deps, chainName, values.asset, buckets);
    } finally {
      deps.dynamodb.destroy();
      deps.kms.destroy();
    }
    const total = buckets.reduce((sum, bucket) => sum + bucket.payoutMinor, 0n);
    const count = buckets.reduce((sum, bucket) => sum + bucket.payoutCount, 0);
    print(`Seeded ${buckets.length} hourly buckets for ${chainName} ${values.asset} (${days} days, seed ${seed}): ${count} payouts, ${tokens(total, values.asset)} ${values.asset}. The next forecast-batch run forecasts them (\`lanepay forecast show --chain ${chainName}\`).`);
    return 0;
  },
});

function wholeNumber(text: string, option: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new StackError(`--${option} ${JSON.stringify(text)} must be a whole number from ${min} to ${max}.`);
  return Number(text);
}

function tokenAmount(text: string, option: string, decimals: number): bigint {
  let minor: bigint;
  try {
    minor = parseUnits(text, decimals);
  } catch {
    throw new StackError(`--${option} ${JSON.stringify(text)} must be a decimal amount in whole tokens, e.g. 2000.`);
  }
  if (minor <= 0n) throw new StackError(`--${option} must be above 0.`);
  return minor;
}
