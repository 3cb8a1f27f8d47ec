import { paginateQuery, TransactWriteItemsCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { bookedPayoutEventType } from '#money';
import type { LanepayEvent } from '#notify';
import { conditionFailedAt } from '#platform';
import { epochHour, flowBucketFromItem, flowBucketKey, flowBucketSkPrefix, flowEventMarkerKey, flowSeriesKey, flowTtlSeconds, hourLabel, type FlowBucket } from './flow-items.js';

export interface FlowTotalsDeps {
  dynamodb: DynamoDBClient;
  tableName: string;
}

export type FlowRecordOutcome = 'counted' | 'duplicate' | 'ignored';

/**
 * Adds a booked payout (bookedPayoutEventType, lib/money/payments/events.ts) to its hour's bucket (the
 * hour of the event's `created_at`, UTC), once per event id: one transaction puts a marker item for
 * the event (condition: it does not exist yet) and ADDs the amount and 1 to the bucket. A
 * redelivered event fails the marker's condition and changes nothing. Other event types are ignored (deposits will join here once pay-ins exist).
 */
export async function recordFlowEvent(deps: FlowTotalsDeps, event: LanepayEvent): Promise<FlowRecordOutcome> {
  if (event.type !== bookedPayoutEventType) return 'ignored';
  const payment = event.data.object;
  const hour = epochHour(new Date(event.created_at));
  const ttl = { N: String(flowTtlSeconds(hour)) };
  try {
    await deps.dynamodb.send(new TransactWriteItemsCommand({
      TransactItems: [
        {
          Put: {
            TableName: deps.tableName,
            Item: { ...flowEventMarkerKey(event.id), entity: { S: 'flow-event' }, paymentId: { S: payment.id }, ttl },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Update: {
            TableName: deps.tableName,
            Key: flowBucketKey(payment.chain, payment.asset, hour),
            UpdateExpression: 'ADD payoutMinor :amount, payoutCount :one SET entity = :entity, chain = :chain, asset = :asset, #ttl = :ttl',
            ExpressionAttributeNames: { '#ttl': 'ttl' },
            ExpressionAttributeValues: {
              ':amount': { N: BigInt(payment.amount_captured).toString() },
              ':one': { N: '1' },
              ':entity': { S: 'flow-bucket' },
              ':chain': { S: payment.chain },
              ':asset': { S: payment.asset },
              ':ttl': ttl,
            },
          },
        },
      ],
    }));
    return 'counted';
  } catch (error) {
    if (conditionFailedAt(error, 0)) return 'duplicate';
    throw error;
  }
}

/** The buckets of hours [fromHour, toHour) that exist (hours without flows have no item). */
export async function readFlowBuckets(deps: FlowTotalsDeps, chain: string, asset: string, fromHour: number, toHour: number): Promise<FlowBucket[]> {
  const buckets: FlowBucket[] = [];
  const pages = paginateQuery({ client: deps.dynamodb }, {
    TableName: deps.tableName,
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: {
      ':pk': { S: flowSeriesKey(chain, asset) },
      ':from': { S: `${flowBucketSkPrefix}${hourLabel(fromHour)}` },
      ':to': { S: `${flowBucketSkPrefix}${hourLabel(toHour - 1)}` },
    },
  });
  for await (const page of pages) buckets.push(...(page.Items ?? []).map(flowBucketFromItem));
  return buckets;
}

/**
 * Hourly payout volume (minor units, as floats for the engine) for hours [fromHour, toHour),
 * starting at the first hour with any flow (a young chain is not padded with weeks of zeros);
 * missing hours inside are 0. Empty when the window holds no flow at all.
 */
export function payoutSeries(buckets: readonly FlowBucket[], toHour: number): { startHour: number; values: Float64Array } {
  if (buckets.length === 0) return { startHour: toHour, values: new Float64Array(0) };
  const startHour = Math.min(...buckets.map((bucket) => bucket.hour));
  const values = new Float64Array(toHour - startHour);
  for (const bucket of buckets) values[bucket.hour - startHour] = Number(bucket.payoutMinor);
  return { startHour, values };
}
