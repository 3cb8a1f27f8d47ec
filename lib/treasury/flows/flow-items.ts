import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { bigintAttribute, readItem } from '#platform';

/**
 * Keys and items of the hourly flow totals: one bucket per (chain, asset, UTC hour), and one marker
 * per counted event (the idempotency key). The one module that spells `FLOW#` and `FLOWEVENT#`.
 */

/** Buckets and markers outlive the 90 days the forecast reads, with a margin for late reads. */
export const flowRetentionDays = 100;
const hourMs = 3_600_000;

/** The UTC hour an instant falls in, as epoch hours (an integer). */
export function epochHour(at: Date | number): number {
  return Math.floor((typeof at === 'number' ? at : at.getTime()) / hourMs);
}

/** `2026-11-26T14`: sorts in time order, readable in the console. */
export function hourLabel(hour: number): string {
  return new Date(hour * hourMs).toISOString().slice(0, 13);
}

export function hourFromLabel(label: string): number {
  return epochHour(Date.parse(`${label}:00:00Z`));
}

export const flowSeriesKey = (chain: string, asset: string) => `FLOW#${chain}#${asset}`;

export function flowBucketKey(chain: string, asset: string, hour: number): Record<string, AttributeValue> {
  return { pk: { S: flowSeriesKey(chain, asset) }, sk: { S: `HOUR#${hourLabel(hour)}` } };
}

export const flowBucketSkPrefix = 'HOUR#';

export function flowEventMarkerKey(eventId: string): Record<string, AttributeValue> {
  return { pk: { S: `FLOWEVENT#${eventId}` }, sk: { S: 'FLOWEVENT' } };
}

export function flowTtlSeconds(hour: number): number {
  return Math.floor((hour * hourMs) / 1000) + flowRetentionDays * 24 * 3600;
}

/**
 * One hour's totals, in ledger minor units of the asset. Deposits are not booked yet (no pay-ins):
 * `depositMinor`/`depositCount` are read as 0 until a consumer ADDs them to the same bucket.
 */
export interface FlowBucket {
  hour: number;
  payoutMinor: bigint;
  payoutCount: number;
  depositMinor: bigint;
  depositCount: number;
}

export function flowBucketItem(chain: string, asset: string, bucket: FlowBucket): Record<string, AttributeValue> {
  return {
    ...flowBucketKey(chain, asset, bucket.hour),
    entity: { S: 'flow-bucket' },
    chain: { S: chain },
    asset: { S: asset },
    payoutMinor: { N: bucket.payoutMinor.toString() },
    payoutCount: { N: String(bucket.payoutCount) },
    depositMinor: { N: bucket.depositMinor.toString() },
    depositCount: { N: String(bucket.depositCount) },
    ttl: { N: String(flowTtlSeconds(bucket.hour)) },
  };
}

const storedFlowBucketSchema = z.object({
  sk: z.string(),
  payoutMinor: z._default(bigintAttribute, 0n),
  payoutCount: z.number().default(0),
  depositMinor: z._default(bigintAttribute, 0n),
  depositCount: z.number().default(0),
});

export function flowBucketFromItem(item: Record<string, AttributeValue>): FlowBucket {
  const { sk, ...totals } = readItem(storedFlowBucketSchema, item);
  return { hour: hourFromLabel(sk.slice(flowBucketSkPrefix.length)), ...totals };
}
