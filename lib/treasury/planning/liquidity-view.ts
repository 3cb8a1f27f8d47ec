import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import type { ChainAdapter, ChainRegistry } from '#chains';
import { readForecasts, type ForecastRecord } from './forecast-items.js';
import { walletPosition } from './wallet.js';

/**
 * GET /v1/liquidity: per chain and asset, the hot wallet's position now (what `lanepay chain status`
 * reads: its balance and the payouts in flight) beside the latest forecast and liquidity plan (what
 * `lanepay forecast show` reads). Amounts are the asset's minor units as decimal strings.
 */

const minor = z.string().regex(/^-?(0|[1-9][0-9]*)$/);

const forecastPointSchema = z.object({
  /** Start of the hour forecast. */
  at: z.string(),
  /** The point forecast of the hour's payout volume (the mean of the simulated paths). */
  p50: minor,
  p80_low: minor,
  p80_high: minor,
  p95_low: minor,
  p95_high: minor,
});

export const liquiditySchema = z.object({
  object: z.literal('liquidity'),
  chain: z.string(),
  asset: z.string(),
  /** The hot wallet's address; null when it could not be read (see `error`). */
  wallet: z.string().nullable(),
  /** The wallet's token balance now (minor units of `asset`); null when the chain did not answer. */
  balance: minor.nullable(),
  /** Payouts accepted but not yet mined, still in the balance and already promised. */
  in_flight: minor.nullable(),
  in_flight_count: z.number().int().nullable(),
  /** `balance - in_flight`: what the wallet can still pay out. */
  available: minor.nullable(),
  /** Why the position could not be read now (an unreachable node); the plan and forecast still show. */
  error: z.string().nullable(),
  /** The latest liquidity plan over the chain's refill lead time, as the forecast job made it (its figures of then). */
  plan: z.object({
    generated_at: z.string(),
    lead_time_hours: z.number().int(),
    quantile: z.number(),
    balance: minor,
    in_flight: minor,
    available: minor,
    required: minor,
    top_up: minor,
    expected_outflow: minor,
    dry_probability: z.number(),
    shortfall_probability: z.number(),
  }).nullable(),
  /** The latest 48 h forecast of hourly payouts with its 80 % and 95 % bands; null before the first one with enough history. */
  forecast: z.object({
    generated_at: z.string(),
    strategy: z.string().nullable(),
    points: z.array(forecastPointSchema),
  }).nullable(),
  /** Set when the plan finds the wallet likely to run dry before a top-up could land. */
  shortfall: z.object({ top_up: minor, dry_probability: z.number(), lead_time_hours: z.number().int() }).nullable(),
});
export type Liquidity = z.infer<typeof liquiditySchema>;

export const liquidityListSchema = z.object({ object: z.literal('list'), data: z.array(liquiditySchema), has_more: z.literal(false) });

export interface LiquidityDeps {
  dynamodb: DynamoDBClient;
  tableName: string;
  chains: ChainRegistry;
  adapter(chain: string): Pick<ChainAdapter, 'balances' | 'hotWalletAddress' | 'headBlock' | 'minedNonce' | 'withKey'>;
}

/** Every chain and asset of the registry, in its order; the positions are read concurrently, each chain bounded by its RPC timeouts. */
export async function readLiquidity(deps: LiquidityDeps): Promise<z.infer<typeof liquidityListSchema>> {
  const forecasts = new Map((await readForecasts(deps)).map(({ record }) => [`${record.chain}#${record.asset}`, record]));
  const pairs = deps.chains.chains.flatMap((chain) => chain.assets.map((asset) => ({ chain, asset: asset.symbol })));
  const data = await Promise.all(pairs.map(async ({ chain, asset }): Promise<Liquidity> => {
    const record = forecasts.get(`${chain.name}#${asset}`);
    const base = { object: 'liquidity' as const, chain: chain.name, asset, ...forecastParts(record) };
    try {
      const position = await walletPosition(deps, chain, deps.adapter(chain.name), asset);
      return {
        ...base, wallet: position.wallet, balance: position.balanceMinor.toString(), in_flight: position.inFlightMinor.toString(),
        in_flight_count: position.inFlightCount, available: position.availableMinor.toString(), error: null,
      };
    } catch (error) {
      return {
        ...base, wallet: record?.plan?.wallet ?? null, balance: null, in_flight: null, in_flight_count: null, available: null,
        error: `the wallet's position could not be read now: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }));
  return { object: 'list', data, has_more: false };
}

const whole = (value: number | undefined) => String(Math.max(0, Math.round(value ?? 0)));

function forecastParts(record: ForecastRecord | undefined): Pick<Liquidity, 'plan' | 'forecast' | 'shortfall'> {
  if (!record || record.status !== 'ok') return { plan: null, forecast: null, shortfall: null };
  const band = (level: number) => record.intervals.find((interval) => Math.round(interval.level * 100) === level || interval.level === level);
  const [p80, p95] = [band(80), band(95)];
  const firstMs = Date.parse(record.firstStepAt);
  const points = record.mean.map((mean, i) => ({
    at: new Date(firstMs + i * 3_600_000).toISOString(),
    p50: whole(mean),
    p80_low: whole(p80?.lower[i]), p80_high: whole(p80?.upper[i]),
    p95_low: whole(p95?.lower[i]), p95_high: whole(p95?.upper[i]),
  }));
  const plan = record.plan;
  return {
    forecast: { generated_at: record.generatedAt, strategy: record.strategy ?? null, points },
    plan: plan ? {
      generated_at: record.generatedAt, lead_time_hours: plan.leadTimeHours, quantile: plan.quantile,
      balance: plan.balanceMinor, in_flight: plan.inFlightMinor, available: plan.availableMinor, required: plan.requiredMinor,
      top_up: plan.topUpMinor, expected_outflow: plan.expectedOutflowMinor, dry_probability: plan.dryProbability, shortfall_probability: plan.shortfallProbability,
    } : null,
    shortfall: plan?.shortfall ? { top_up: plan.topUpMinor, dry_probability: plan.dryProbability, lead_time_hours: plan.leadTimeHours } : null,
  };
}
