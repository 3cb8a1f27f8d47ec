import { paginateQuery, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { jsonAttribute, readItem } from '#platform';

/**
 * The latest forecast and liquidity plan per chain and asset: one item each, replaced on every run.
 * Amounts are minor units of the asset: the hourly figures as numbers (model output), the plan's
 * money as decimal strings (bigint on the way in and out). The one module that spells `FORECAST#`.
 */
export interface ForecastRecord {
  chain: string;
  asset: string;
  generatedAt: string;
  /** `ok`, or why nothing could be forecast (fewer than two days of flows in the history window). */
  status: 'ok' | 'insufficient_history';
  historyHours: number;
  /** Start of step 1 (the current clock hour, whose flows are not complete yet), ISO. */
  firstStepAt: string;
  /** Hourly payout volume forecast, step 1..horizon; negative model values shown as 0. */
  mean: number[];
  intervals: { level: number; lower: number[]; upper: number[] }[];
  /** How the engine combined its models (for operators comparing runs). */
  strategy?: string;
  plan?: PlanRecord;
  /** Why no plan could be made (e.g. the chain's RPC did not answer). */
  planError?: string;
}

export interface PlanRecord {
  wallet: string;
  leadTimeHours: number;
  quantile: number;
  balanceMinor: string;
  inFlightMinor: string;
  inFlightCount: number;
  availableMinor: string;
  requiredMinor: string;
  topUpMinor: string;
  expectedOutflowMinor: string;
  dryProbability: number;
  /** The configured dry probability above which a shortfall is signalled. */
  shortfallProbability: number;
  shortfall: boolean;
  pathCount: number;
}

/** The gsi1 partition listing every chain's and asset's latest forecast (GET /v1/liquidity, `forecast show`). */
export const forecastsPartition = 'FORECASTS';

export function forecastKey(chain: string, asset: string): Record<string, AttributeValue> {
  return { pk: { S: `FORECAST#${chain}#${asset}` }, sk: { S: 'LATEST' } };
}

/** Whether the wallet of a chain and asset is short, and when that was last announced (lib/treasury/planning/run.ts). */
export function shortfallStateKey(chain: string, asset: string): Record<string, AttributeValue> {
  return { pk: { S: `FORECAST#${chain}#${asset}` }, sk: { S: 'SHORTFALL' } };
}

/**
 * `leadPaths` are the simulated sample paths cut to the lead time (the only hours a plan or a
 * scenario reads), packed as float64 rows, so `forecast scenario` replays the same simulation.
 */
export function forecastItem(record: ForecastRecord, leadPaths: readonly Float64Array[] = []): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = {
    ...forecastKey(record.chain, record.asset),
    entity: { S: 'forecast' },
    // Outside the body so a write can be conditioned on it (lib/treasury/planning/run.ts: only newer replaces).
    generatedAt: { S: record.generatedAt },
    gsi1pk: { S: forecastsPartition },
    gsi1sk: { S: `${record.chain}#${record.asset}` },
    body: { S: JSON.stringify(record) },
  };
  if (leadPaths.length > 0) item.leadPaths = { B: packPaths(leadPaths) };
  return item;
}

export function forecastFromItem(item: Record<string, AttributeValue>): { record: ForecastRecord; leadPaths: Float64Array[] } {
  const { body: record, leadPaths: packed } = readItem(z.object({ body: jsonAttribute(z.custom<ForecastRecord>()), leadPaths: z.instanceof(Uint8Array).optional() }), item);
  const leadPaths = packed && record.plan ? unpackPaths(packed, record.plan.leadTimeHours) : [];
  return { record, leadPaths };
}

function packPaths(paths: readonly Float64Array[]): Uint8Array {
  const width = paths[0]!.length;
  const packed = new Float64Array(paths.length * width);
  paths.forEach((path, i) => packed.set(path, i * width));
  return new Uint8Array(packed.buffer);
}

function unpackPaths(bytes: Uint8Array, width: number): Float64Array[] {
  // Copy: the SDK's bytes may sit at an offset not aligned for a Float64Array view.
  const values = new Float64Array(bytes.slice().buffer);
  const paths: Float64Array[] = [];
  for (let i = 0; i + width <= values.length; i += width) paths.push(values.slice(i, i + width));
  return paths;
}

/** Latest forecasts, all chains or one (gsi1 `FORECASTS`, which projects whole items, sorted by chain then asset). */
export async function readForecasts(deps: { dynamodb: DynamoDBClient; tableName: string }, chain?: string) {
  const results: ReturnType<typeof forecastFromItem>[] = [];
  const pages = paginateQuery({ client: deps.dynamodb }, {
    TableName: deps.tableName,
    IndexName: 'gsi1',
    KeyConditionExpression: chain === undefined ? 'gsi1pk = :pk' : 'gsi1pk = :pk AND begins_with(gsi1sk, :chain)',
    ExpressionAttributeValues: { ':pk': { S: forecastsPartition }, ...(chain === undefined ? {} : { ':chain': { S: `${chain}#` } }) },
  });
  for await (const page of pages) results.push(...(page.Items ?? []).map(forecastFromItem));
  return results;
}
