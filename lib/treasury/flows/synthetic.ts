import { BatchWriteItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { seededRandom } from '../forecast/calibration.js';
import { flowBucketItem, type FlowBucket } from './flow-items.js';

export interface SyntheticFlowOptions {
  /** Hours of history, ending with the hour before `endHour`. */
  hours: number;
  /** Epoch hour after the last generated one (normally the current hour). */
  endHour: number;
  /** Mean hourly payout volume at the start, in minor units. */
  meanHourlyMinor: bigint;
  /** Mean payout size in minor units (sets the counts). */
  meanTicketMinor: bigint;
  /** Relative growth of the level over the whole history, e.g. 0.2 for +20 %. */
  trend?: number;
  seed?: number;
}

/**
 * A plausible payout history: a daily profile (quiet nights, a business-hours peak and an evening
 * shoulder, UTC), weekends at ~55 %, a linear trend, log-normal noise (~18 %) and occasional bursts
 * (about one hour in 80 starts a 1–4 h burst at 2–5×, a merchant's campaign). Deterministic per seed.
 */
export function syntheticFlows(options: SyntheticFlowOptions): FlowBucket[] {
  const random = seededRandom(options.seed ?? 1);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const trend = options.trend ?? 0.15;
  const level = Number(options.meanHourlyMinor);
  const ticket = Number(options.meanTicketMinor);
  const buckets: FlowBucket[] = [];
  let burstLeft = 0;
  let burstFactor = 1;
  const firstHour = options.endHour - options.hours;
  for (let i = 0; i < options.hours; i++) {
    const hour = firstHour + i;
    const at = new Date(hour * 3_600_000);
    const h = at.getUTCHours();
    const weekday = at.getUTCDay();
    const daily = 0.35 + 1.1 * Math.exp(-((h - 14) ** 2) / 18) + 0.45 * Math.exp(-((h - 20) ** 2) / 6);
    const weekly = weekday === 0 || weekday === 6 ? 0.55 : weekday === 5 ? 1.1 : 1;
    if (burstLeft === 0 && random() < 1 / 80) {
      burstLeft = 1 + Math.floor(random() * 4);
      burstFactor = 2 + 3 * random();
    }
    const burst = burstLeft > 0 ? burstFactor : 1;
    if (burstLeft > 0) burstLeft--;
    const growth = 1 + (trend * i) / options.hours;
    const noise = Math.exp(0.18 * gaussian() - 0.18 ** 2 / 2);
    const volume = Math.max(0, Math.round(level * (daily / 0.72) * weekly * growth * noise * burst));
    buckets.push({ hour, payoutMinor: BigInt(volume), payoutCount: Math.max(volume > 0 ? 1 : 0, Math.round(volume / ticket)), depositMinor: 0n, depositCount: 0 });
  }
  return buckets;
}

/**
 * Writes buckets for a chain and asset, replacing those hours' totals (a seed is for a local stack
 * with no real history; it does not add to what the event stream booked).
 */
export async function writeFlowBuckets(deps: { dynamodb: DynamoDBClient; tableName: string }, chain: string, asset: string, buckets: readonly FlowBucket[]): Promise<void> {
  for (let i = 0; i < buckets.length; i += 25) {
    let requests = buckets.slice(i, i + 25).map((bucket) => ({ PutRequest: { Item: flowBucketItem(chain, asset, bucket) } }));
    // BatchWriteItem may leave some requests unprocessed under throttling: resend those.
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt === 8) throw new Error(`could not write flow buckets for ${chain}/${asset}: still unprocessed after ${attempt} attempts`);
      const result = await deps.dynamodb.send(new BatchWriteItemCommand({ RequestItems: { [deps.tableName]: requests } }));
      requests = (result.UnprocessedItems?.[deps.tableName] ?? []) as typeof requests;
      if (requests.length > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
  }
}
