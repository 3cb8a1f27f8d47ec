import { TransactWriteItemsCommand, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { Chain, ChainAdapter, ChainRegistry } from '#chains';
import { platformEventItem } from '#money';
import { conditionFailedAt } from '#platform';
import { forecastBatch, minimumSeriesLength, planLiquidity, type SeriesForecast } from '../forecast/index.js';
import { forecastItem, shortfallStateKey, type ForecastRecord, type PlanRecord } from './forecast-items.js';
import { epochHour } from '../flows/flow-items.js';
import { payoutSeries, readFlowBuckets } from '../flows/flow-totals.js';
import { walletPosition, type WalletPosition } from './wallet.js';

export interface ForecastJobSettings {
  horizonHours: number;
  historyDays: number;
  pathCount: number;
  /** Quantile of cumulative outflow over the lead time the wallet must hold (e.g. 0.99). */
  quantile: number;
  /** Dry probability above which a shortfall is signalled (e.g. 0.05). */
  shortfallProbability: number;
  seed: number;
}

export const defaultForecastJobSettings: ForecastJobSettings = {
  horizonHours: 48, historyDays: 90, pathCount: 1000, quantile: 0.99, shortfallProbability: 0.05, seed: 1,
};

export type ForecastSignal =
  | { kind: 'forecast_shortfall'; chain: string; asset: string; dryProbability: number; topUpMinor: string }
  | { kind: 'forecast_written'; chain: string; asset: string; historyHours: number; dryProbability?: number }
  | { kind: 'forecast_superseded'; chain: string; asset: string };

/** A run's forecast, and whether a run that started later had already stored a newer one (then this one was dropped). */
export type ForecastRun = ForecastRecord & {
  superseded: boolean;
  /** The run's simulated sample paths over the whole horizon (not stored: the rebalancing planner reads them next). */
  paths?: readonly Float64Array[];
};

export interface ForecastJobDeps {
  dynamodb: DynamoDBClient;
  tableName: string;
  chains: ChainRegistry;
  adapter(chain: string): Pick<ChainAdapter, 'balances' | 'hotWalletAddress' | 'headBlock' | 'minedNonce' | 'withKey'>;
  now: () => Date;
  settings: ForecastJobSettings;
  /** Operator signals (metrics, logs); the function decides how to emit them. */
  signal(signal: ForecastSignal): void;
}

interface SeriesJob {
  chain: Chain;
  asset: string;
  history: Float64Array;
}

/**
 * One run of the forecast job: for every chain and asset of the registry, reads the hourly payout
 * totals of the last `historyDays`, forecasts them all in one batch (so the global model pools
 * them), plans each hot wallet's liquidity over its chain's refill lead time from the simulated
 * paths, and writes the forecast with its plan; a plan whose dry probability exceeds the threshold
 * writes a `liquidity.forecast_shortfall` platform event in the same transaction, once per shortfall
 * (see shortfallReminderMs), not on every hourly run while the wallet stays short.
 */
export async function runForecastJob(deps: ForecastJobDeps): Promise<ForecastRun[]> {
  const { settings } = deps;
  const now = deps.now();
  const toHour = epochHour(now);
  const fromHour = toHour - settings.historyDays * 24;
  const jobs: SeriesJob[] = [];
  for (const chain of deps.chains.chains) {
    for (const { symbol } of chain.assets) {
      const buckets = await readFlowBuckets(deps, chain.name, symbol, fromHour, toHour);
      jobs.push({ chain, asset: symbol, history: payoutSeries(buckets, toHour).values });
    }
  }
  const base = { generatedAt: now.toISOString(), firstStepAt: new Date(toHour * 3_600_000).toISOString() };
  const ready = jobs.filter((job) => job.history.length >= minimumSeriesLength && job.history.some((value) => value > 0));
  const records: ForecastRun[] = [];
  for (const job of jobs.filter((candidate) => !ready.includes(candidate))) {
    const record: ForecastRecord = { ...base, chain: job.chain.name, asset: job.asset, status: 'insufficient_history', historyHours: job.history.length, mean: [], intervals: [] };
    const stored = await write(deps, record, [], undefined, now);
    if (!stored) deps.signal({ kind: 'forecast_superseded', chain: record.chain, asset: record.asset });
    records.push({ ...record, superseded: !stored });
  }
  if (ready.length === 0) return records;

  const batch = forecastBatch(ready.map((job) => job.history), { horizon: settings.horizonHours, pathCount: settings.pathCount, seed: settings.seed });
  for (const [i, job] of ready.entries()) {
    const forecast = batch.forecasts[i]!;
    const record: ForecastRecord = {
      ...base, chain: job.chain.name, asset: job.asset, status: 'ok', historyHours: job.history.length,
      mean: rounded(forecast.mean),
      intervals: forecast.intervals.map((interval) => ({ level: interval.level, lower: rounded(interval.lower), upper: rounded(interval.upper) })),
      strategy: batch.selection.perSeries[i] ?? batch.selection.pooled,
    };
    const leadPaths = forecast.paths.map((path) => path.slice(0, job.chain.refillLeadTimeHours));
    let shortfallEvent: TransactWriteItem | undefined;
    try {
      const position = await walletPosition(deps, job.chain, deps.adapter(job.chain.name), job.asset);
      record.plan = plan(forecast, job.chain.refillLeadTimeHours, position, settings);
      if (record.plan.shortfall) shortfallEvent = platformEventItem(deps.tableName, 'liquidity.forecast_shortfall', shortfallObject(record, record.plan), now);
    } catch (error) {
      // The forecast stands without a plan: an unreachable node must not hide the other chains.
      record.planError = error instanceof Error ? error.message : String(error);
    }
    const stored = await write(deps, record, record.plan ? leadPaths : [], shortfallEvent, now);
    records.push({ ...record, superseded: !stored, paths: forecast.paths });
    if (!stored) {
      deps.signal({ kind: 'forecast_superseded', chain: record.chain, asset: record.asset });
      continue;
    }
    deps.signal({ kind: 'forecast_written', chain: record.chain, asset: record.asset, historyHours: record.historyHours, ...(record.plan ? { dryProbability: record.plan.dryProbability } : {}) });
    if (record.plan?.shortfall) deps.signal({ kind: 'forecast_shortfall', chain: record.chain, asset: record.asset, dryProbability: record.plan.dryProbability, topUpMinor: record.plan.topUpMinor });
  }
  return records;
}

function plan(forecast: SeriesForecast, leadTimeHours: number, position: WalletPosition, settings: ForecastJobSettings): PlanRecord {
  const result = planLiquidity({ paths: forecast.paths, leadTimeHours, availableMinor: position.availableMinor, quantile: settings.quantile });
  return {
    wallet: position.wallet,
    leadTimeHours,
    quantile: result.quantile,
    balanceMinor: position.balanceMinor.toString(),
    inFlightMinor: position.inFlightMinor.toString(),
    inFlightCount: position.inFlightCount,
    availableMinor: position.availableMinor.toString(),
    requiredMinor: result.requiredMinor.toString(),
    topUpMinor: result.topUpMinor.toString(),
    expectedOutflowMinor: result.expectedOutflowMinor.toString(),
    dryProbability: result.dryProbability,
    shortfallProbability: settings.shortfallProbability,
    shortfall: result.dryProbability > settings.shortfallProbability,
    pathCount: forecast.paths.length,
  };
}

function shortfallObject(record: ForecastRecord, plan: PlanRecord): Record<string, string> {
  return {
    chain: record.chain, asset: record.asset, wallet: plan.wallet,
    dry_probability: plan.dryProbability.toFixed(4), shortfall_probability_threshold: String(plan.shortfallProbability),
    lead_time_hours: String(plan.leadTimeHours), available: plan.availableMinor, required: plan.requiredMinor, top_up: plan.topUpMinor,
    forecast_generated_at: record.generatedAt,
  };
}

/**
 * A wallet that stays short is announced when it becomes short and again a day later if it still is:
 * the job runs hourly, and an event (webhook, alarm) every hour for the same shortfall is noise that
 * teaches operators to ignore it. A wallet that recovers is announced again when it next falls short.
 */
const shortfallReminderMs = 24 * 3_600_000;

/**
 * Writes the forecast, with the wallet's shortfall state when it has a plan. The shortfall event goes
 * in the same transaction, on the condition that this shortfall was not announced within the
 * reminder time; if it was, the forecast is written without it.
 *
 * Only a forecast newer than the stored one replaces it: two runs overlap when one is slow (a
 * scheduled run and an operator's, or a retried invocation), and the one that started first must not
 * put back an older forecast, plan and shortfall state over the newer run's. Returns false when a
 * newer forecast was there, and then writes nothing.
 */
async function write(deps: ForecastJobDeps, record: ForecastRecord, leadPaths: readonly Float64Array[], event: TransactWriteItem | undefined, now: Date): Promise<boolean> {
  const forecast: TransactWriteItem = {
    Put: {
      TableName: deps.tableName,
      Item: forecastItem(record, leadPaths),
      ConditionExpression: 'attribute_not_exists(generatedAt) OR generatedAt < :generatedAt',
      ExpressionAttributeValues: { ':generatedAt': { S: record.generatedAt } },
    },
  };
  const newest = async (items: TransactWriteItem[]) => {
    try {
      await deps.dynamodb.send(new TransactWriteItemsCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if (conditionFailedAt(error, 0)) return false;
      throw error;
    }
  };
  if (!record.plan) return newest([forecast]);
  const key = shortfallStateKey(record.chain, record.asset);
  if (!event) {
    return newest([forecast, { Update: { TableName: deps.tableName, Key: key, UpdateExpression: 'SET active = :false, entity = :entity REMOVE since, announcedAt', ExpressionAttributeValues: { ':false': { BOOL: false }, ':entity': { S: 'forecast-shortfall' } } } }]);
  }
  const announce: TransactWriteItem = {
    Update: {
      TableName: deps.tableName,
      Key: key,
      UpdateExpression: 'SET active = :true, entity = :entity, announcedAt = :now, since = if_not_exists(since, :now)',
      ConditionExpression: 'attribute_not_exists(active) OR active = :false OR announcedAt < :remindBefore',
      ExpressionAttributeValues: {
        ':true': { BOOL: true }, ':false': { BOOL: false }, ':entity': { S: 'forecast-shortfall' },
        ':now': { S: now.toISOString() }, ':remindBefore': { S: new Date(now.getTime() - shortfallReminderMs).toISOString() },
      },
    },
  };
  try {
    return await newest([forecast, announce, event]);
  } catch (error) {
    if (!conditionFailedAt(error, 1)) throw error;
    // Announced within the reminder time: the forecast and its plan still say so.
    return newest([forecast]);
  }
}

/** Outflows cannot be negative; whole minor units are precision enough for hourly totals. */
function rounded(values: Float64Array): number[] {
  return Array.from(values, (value) => Math.max(0, Math.round(value)));
}
