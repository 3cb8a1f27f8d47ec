import { QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { encodeTime } from 'ulid';
import * as z from 'zod';
import { merchantEventsPartition } from '#merchants';
import { idTimeMs, jsonAttribute, readItem, ulidPattern, type Page } from '#platform';
import { eventSchema, type LanepayEvent } from './schemas.js';

/**
 * Events about one object (a payment's timeline in the console): GET /v1/events?object_id=...
 * Events carry their object's id as an attribute (outboxEventItem's `related`), and every event of
 * an object comes after the object was created, whose time its id (a ULID) holds: so the merchant's
 * events are read forward from that time, filtered on that attribute, and at most `scanBudget`
 * events are looked at per request (has_more then says the timeline may go on).
 */

/** The attribute naming each kind of object on its events (lib/*\/events.ts `related`). */
const objectAttributes = {
  pay: 'paymentId', ch: 'chargeId', re: 'refundId', we: 'webhookEndpointId', kyv: 'verificationId', cus: 'customerId', rpt: 'reportId',
} as const;

// The object's id is read for its time (its ULID's), so it must be one: a look-alike would be a 500.
export const objectIdSchema = z.string().regex(new RegExp(`^(pay|ch|re|we|kyv|cus|rpt)_${ulidPattern}$`), 'must be the id of a payment, charge, refund, webhook endpoint, verification, customer or report');

/** GET /v1/events: a page of every event, or with `object_id` the events about that object. */
export const eventListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(10),
  starting_after: z.string().regex(/^(pay|evt)_[0-9a-z]{26}$/).optional(),
  object_id: objectIdSchema.optional(),
});

/** Events of the merchant looked at per request for one object's timeline, at most. */
export const timelineScanBudget = 2_000;
/** The clocks that stamp an object's id and its first event may differ by this much. */
const clockSkewMs = 5_000;

const storedEventSchema = z.object({ body: jsonAttribute(eventSchema) });

/** The object's events, newest first, paged by `starting_after` (an event id) like GET /v1/events. */
export async function listObjectEvents(
  deps: { dynamodb: DynamoDBClient; tableName: string },
  merchantId: string,
  query: { objectId: string; limit: number; startingAfter?: string | undefined },
  scanBudget = timelineScanBudget,
): Promise<Page<LanepayEvent>> {
  const prefix = query.objectId.split('_')[0] as keyof typeof objectAttributes;
  const from = `evt_${encodeTime(Math.max(0, idTimeMs(query.objectId) - clockSkewMs), 10).toLowerCase()}`;
  const found: LanepayEvent[] = [];
  let scanned = 0;
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await deps.dynamodb.send(new QueryCommand({
      TableName: deps.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p AND gsi1sk >= :from',
      FilterExpression: '#object = :id',
      ExpressionAttributeNames: { '#object': objectAttributes[prefix] },
      ExpressionAttributeValues: { ':p': { S: merchantEventsPartition(merchantId) }, ':from': { S: from }, ':id': { S: query.objectId } },
      ExclusiveStartKey: startKey,
      // Limit counts the events looked at, before the filter: the budget holds whatever matches.
      Limit: Math.min(500, scanBudget - scanned),
    }));
    scanned += page.ScannedCount ?? 0;
    found.push(...(page.Items ?? []).map((item) => readItem(storedEventSchema, item).body));
    startKey = page.LastEvaluatedKey;
  } while (startKey && scanned < scanBudget);
  const newestFirst = found.reverse().filter((event) => !query.startingAfter || event.id < query.startingAfter);
  return { object: 'list', data: newestFirst.slice(0, query.limit), has_more: newestFirst.length > query.limit || startKey !== undefined };
}
