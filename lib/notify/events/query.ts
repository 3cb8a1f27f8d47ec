import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { eventKey, merchantEventsPartition } from '#merchants';
import { jsonAttribute, newestFirstPage, NotFoundError, readItem, type Page, type PageRequest } from '#platform';
import { eventSchema, type LanepayEvent } from './schemas.js';

type ReadDeps = { dynamodb: DynamoDBClient; tableName: string };

const storedEventSchema = z.object({ merchantId: z.string().optional(), body: jsonAttribute(eventSchema) });

/** A merchant's events, newest first (GET /v1/events). */
export async function listEvents(deps: ReadDeps, merchantId: string, page: PageRequest): Promise<Page<LanepayEvent>> {
  return newestFirstPage(deps, { index: 'gsi1', partition: merchantEventsPartition(merchantId) }, page, (item) => readItem(storedEventSchema, item).body);
}

export async function getEvent(deps: ReadDeps, merchantId: string, eventId: string): Promise<LanepayEvent> {
  const result = await deps.dynamodb.send(
    new GetItemCommand({ TableName: deps.tableName, Key: eventKey(eventId) }),
  );
  const stored = result.Item ? readItem(storedEventSchema, result.Item) : undefined;
  if (!stored || stored.merchantId !== merchantId) throw new NotFoundError('event', eventId);
  return stored.body;
}
