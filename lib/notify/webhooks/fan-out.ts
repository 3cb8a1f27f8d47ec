import { ConditionalCheckFailedException, GetItemCommand, paginateQuery, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { eventKey } from '#merchants';
import { newId, NotFoundError, RateLimitedError, readItem, traceHeaderFor, traceMessageAttributes } from '#platform';
import type { LanepayEvent } from '../events/schemas.js';
import type { WebhookDeps } from './deps.js';
import { endpointFromItem, endpointListPartition, fanOutKey, redeliveryCountKey, ttlIn, type EndpointRecord } from './items.js';
import type { DeliveryMessage } from './schemas.js';

/**
 * Enqueues one delivery message per enabled endpoint of the merchant subscribed to the event, so
 * each endpoint's retries and slowness are its own. Idempotent by event id: the fan-out is marked
 * done after the messages are sent; a repeat finds the mark and sends nothing. A crash between the
 * two repeats the fan-out, and the deliver function drops the duplicate (delivery record).
 */
export async function fanOutEvent(deps: WebhookDeps, event: LanepayEvent, merchantId: string): Promise<{ endpoints: number }> {
  // Both reads at once: the endpoints are read for nothing only on a repeat, which is rare, and
  // every event's delivery waits on these reads.
  const [marker, records] = await Promise.all([
    deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: fanOutKey(event.id), ConsistentRead: true })),
    merchantEndpoints(deps, merchantId),
  ]);
  if (marker.Item) return { endpoints: Number(marker.Item.endpoints?.N ?? 0) };
  const endpoints = records.filter((record) => subscribes(record, event.type));
  const objectId = (event.data.object as { id?: unknown }).id;
  await enqueueDeliveries(deps, endpoints, event.id, merchantId, 'first', typeof objectId === 'string' ? objectId : undefined);
  try {
    await deps.dynamodb.send(
      new PutItemCommand({
        TableName: deps.tableName,
        Item: { ...fanOutKey(event.id), entity: { S: 'webhook-fanout' }, endpoints: { N: String(endpoints.length) }, ttl: ttlIn(deps.now()) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    // A concurrent duplicate marked it first: both sent, the deliver function keeps one.
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
  return { endpoints: endpoints.length };
}

/**
 * POST /v1/events/{id}/redeliver: a new delivery run of the merchant's event to every enabled
 * endpoint subscribed to it, sent even where the first run succeeded.
 */
export async function redeliverEvent(deps: WebhookDeps, merchantId: string, eventId: string): Promise<{ object: 'redelivery'; event_id: string; endpoints: number }> {
  const result = await deps.dynamodb.send(
    new GetItemCommand({ TableName: deps.tableName, Key: eventKey(eventId), ProjectionExpression: 'merchantId, #type', ExpressionAttributeNames: { '#type': 'type' } }),
  );
  const event = result.Item ? readItem(z.object({ merchantId: z.string().optional(), type: z.string() }), result.Item) : undefined;
  if (!event || event.merchantId !== merchantId) throw new NotFoundError('event', eventId);
  await countRedelivery(deps, eventId);
  const { type } = event;
  const endpoints = (await merchantEndpoints(deps, merchantId)).filter((record) => subscribes(record, type));
  await enqueueDeliveries(deps, endpoints, eventId, merchantId, newId('rd'));
  return { object: 'redelivery', event_id: eventId, endpoints: endpoints.length };
}

/** Redeliveries of one event allowed per clock hour: each one fans out to every endpoint again. */
export const maxRedeliveriesPerHour = 10;

async function countRedelivery(deps: WebhookDeps, eventId: string): Promise<void> {
  const now = deps.now();
  const hour = now.toISOString().slice(0, 13);
  const nextHourMs = Date.parse(`${hour}:00:00Z`) + 3_600_000;
  try {
    await deps.dynamodb.send(new UpdateItemCommand({
      TableName: deps.tableName,
      Key: redeliveryCountKey(eventId, hour),
      UpdateExpression: 'ADD #n :one SET #ttl = :ttl',
      ConditionExpression: 'attribute_not_exists(#n) OR #n < :cap',
      ExpressionAttributeNames: { '#n': 'count', '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':one': { N: '1' }, ':cap': { N: String(maxRedeliveriesPerHour) }, ':ttl': { N: String(Math.floor(nextHourMs / 1000) + 3600) } },
    }));
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const retryAfterSeconds = Math.max(1, Math.ceil((nextHourMs - now.getTime()) / 1000));
    throw new RateLimitedError(`Event ${eventId} was redelivered ${maxRedeliveriesPerHour} times this hour; try again in ${retryAfterSeconds} s.`, retryAfterSeconds);
  }
}

export function subscribes(record: EndpointRecord, type: string): boolean {
  return record.endpoint.status === 'enabled' && (record.endpoint.events.includes('*') || record.endpoint.events.includes(type));
}

/** Every endpoint of the merchant (at most 16), from gsi1. */
export async function merchantEndpoints(deps: Pick<WebhookDeps, 'dynamodb' | 'tableName'>, merchantId: string): Promise<EndpointRecord[]> {
  const records: EndpointRecord[] = [];
  const pages = paginateQuery(
    { client: deps.dynamodb },
    { TableName: deps.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': { S: endpointListPartition(merchantId) } } },
  );
  for await (const page of pages) records.push(...(page.Items ?? []).map(endpointFromItem));
  return records;
}

async function enqueueDeliveries(deps: WebhookDeps, endpoints: EndpointRecord[], eventId: string, merchantId: string, run: DeliveryMessage['run'], objectId?: string): Promise<void> {
  const nowMs = deps.now().getTime();
  await sendDeliveryMessages(deps, endpoints.map((record) => ({ endpointId: record.endpoint.id, eventId, merchantId, run, attempt: 1, notBeforeMs: nowMs, ...(objectId ? { objectId } : {}) })), eventId);
}

/** Delivery messages, ten per SendMessageBatch; a refused one fails the call (the caller's message is retried). */
export async function sendDeliveryMessages(deps: WebhookDeps, messages: DeliveryMessage[], eventId: string): Promise<void> {
  for (let offset = 0; offset < messages.length; offset += 10) {
    const batch = messages.slice(offset, offset + 10);
    const result = await deps.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: deps.deliveryQueueUrl,
        // Each delivery carries the trace of the work that enqueued it (the notify record's).
        Entries: batch.map((message, index) => ({ Id: String(index), MessageBody: JSON.stringify(message), ...traceMessageAttributes(traceHeaderFor(message.objectId)) })),
      }),
    );
    if (result.Failed && result.Failed.length > 0) {
      throw new Error(`enqueueing deliveries of ${eventId} failed for ${result.Failed.length} endpoints: ${result.Failed.map((f) => f.Code).join(', ')}`);
    }
  }
}
