import { QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { encodeTime } from 'ulid';
import * as z from 'zod';
import { idTimeMs } from '#platform';
import { getEvent } from '../events/query.js';
import type { WebhookDeps } from './deps.js';
import { merchantEndpoints } from './fan-out.js';
import { attemptFromItem, attemptsPartition } from './items.js';
import { attemptSchema } from './schemas.js';

/**
 * GET /v1/events/{id}/attempts: the deliveries of one event to each of the merchant's endpoints
 * (at most 16). Attempts are kept per endpoint, sorted by attempt id (a ULID), so each endpoint's
 * are read forward from the event's time, filtered on the event, at most `perEndpointBudget` attempts
 * looked at per endpoint (has_more then says some may be left out).
 */

export const eventAttemptSchema = attemptSchema.extend({
  endpoint: z.object({ id: z.string(), url: z.string() }),
});
export type EventAttempt = z.infer<typeof eventAttemptSchema>;

export const eventAttemptListSchema = z.object({ object: z.literal('list'), data: z.array(eventAttemptSchema), has_more: z.boolean() });

/** Attempts of an endpoint looked at per request, at most. */
export const perEndpointBudget = 500;

/** The event's attempts, newest first; another merchant's event is a 404. */
export async function listEventAttempts(deps: WebhookDeps, merchantId: string, eventId: string, budget = perEndpointBudget): Promise<z.infer<typeof eventAttemptListSchema>> {
  const event = await getEvent(deps, merchantId, eventId);
  const from = `wa_${encodeTime(Math.max(0, idTimeMs(eventId) - 5_000), 10).toLowerCase()}`;
  const endpoints = await merchantEndpoints(deps, merchantId);
  let cut = false;
  const perEndpoint = await Promise.all(endpoints.map(async ({ endpoint }) => {
    const attempts: EventAttempt[] = [];
    let scanned = 0;
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await deps.dynamodb.send(new QueryCommand({
        TableName: deps.tableName,
        KeyConditionExpression: 'pk = :p AND sk >= :from',
        // The attempt is stored as JSON; its event id is unique enough to find inside it.
        FilterExpression: 'contains(#object, :event)',
        ExpressionAttributeNames: { '#object': 'object' },
        ExpressionAttributeValues: { ':p': { S: attemptsPartition(endpoint.id) }, ':from': { S: from }, ':event': { S: `"event_id":"${event.id}"` } },
        ExclusiveStartKey: startKey,
        Limit: Math.min(250, budget - scanned),
      }));
      scanned += page.ScannedCount ?? 0;
      attempts.push(...(page.Items ?? []).map((item) => ({ ...attemptFromItem(item), endpoint: { id: endpoint.id, url: endpoint.url } })));
      startKey = page.LastEvaluatedKey;
    } while (startKey && scanned < budget);
    if (startKey) cut = true;
    return attempts;
  }));
  const data = perEndpoint.flat().sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  return { object: 'list', data, has_more: cut };
}
