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
  const endpoints = (await merchantEndpoints(deps, merchantId))
    .filter((record) => subscribes(record, event.type) && record.endpoint.created_at <= event.created_at);
  const messages: DeliveryMessage[] = [];
  for (const record of endpoints) {
    const { Item: delivery } = await deps.dynamodb.send(new GetItemCommand({
      TableName: deps.tableName, Key: deliveryKey(record.endpoint.id, event.id, 'first'), ConsistentRead: true,
    }));
    if (delivery?.deliveredAt || delivery?.finishedAt) continue;
    messages.push({
      endpointId: record.endpoint.id, eventId: event.id, merchantId, run: 'first',
      attempt: Number(delivery?.attempt?.N ?? '0') + 1, notBeforeMs: deps.now().getTime(),
    });
  }
  await sendDeliveryMessages(deps, messages, event.id);
  return { redriven: messages.length };
}
