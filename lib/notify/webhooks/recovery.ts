import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { LanepayEvent } from '../events/schemas.js';
import type { WebhookDeps } from './deps.js';
import { merchantEndpoints, sendDeliveryMessages, subscribes } from './fan-out.js';
import { deliveryKey } from './items.js';
import type { DeliveryMessage } from './schemas.js';

/**
 * After a restore of the table: the first-run deliveries of an event that the restored table does
 * not show finished (delivered, exhausted or given up on a disabled endpoint) are enqueued again,
 * as the attempt after the last one recorded. A restore loses the queues, so a delivery in flight at
 * the restore point (fanned out and not yet attempted, or waiting for a retry) would otherwise never
 * be attempted again. Receivers dedupe by event id: a delivery that happened after the restore point
 * reaches them twice, with the same id. Endpoints registered after the event are not its audience.
 */
export async function redriveEventDeliveries(deps: WebhookDeps, event: LanepayEvent, merchantId: string): Promise<{ redriven: number }> {
  const messages: DeliveryMessage[] = (await unfinishedDeliveries(deps, event, merchantId)).map((unfinished) => ({
    endpointId: unfinished.endpointId, eventId: event.id, merchantId, run: 'first',
    attempt: unfinished.attemptsMade + 1, notBeforeMs: deps.now().getTime(),
  }));
  await sendDeliveryMessages(deps, messages, event.id);
  return { redriven: messages.length };
}

/**
 * The endpoints an event's first run has not finished with (not delivered, not exhausted, not given
 * up on a disabled endpoint), with the attempts made so far: what a recovery must still deliver.
 */
export async function unfinishedDeliveries(deps: Pick<WebhookDeps, 'dynamodb' | 'tableName'>, event: LanepayEvent, merchantId: string): Promise<{ endpointId: string; attemptsMade: number }[]> {
  const endpoints = (await merchantEndpoints(deps, merchantId))
    .filter((record) => subscribes(record, event.type) && record.endpoint.created_at <= event.created_at);
  const unfinished = [];
  for (const record of endpoints) {
    const { Item: delivery } = await deps.dynamodb.send(new GetItemCommand({
      TableName: deps.tableName, Key: deliveryKey(record.endpoint.id, event.id, 'first'), ConsistentRead: true,
    }));
    if (delivery?.deliveredAt || delivery?.finishedAt) continue;
    unfinished.push({ endpointId: record.endpoint.id, attemptsMade: Number(delivery?.attempt?.N ?? '0') });
  }
  return unfinished;
}
