import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { outboxEventItem, type OutboxEvent } from '#merchants';
import type { WebhookEndpoint } from './endpoint-object.js';

/** Events about a merchant's webhook endpoints; each carries the endpoint object. */
export const webhookEndpointEventTypes = ['webhook_endpoint.failing', 'webhook_endpoint.disabled'] as const;
export type WebhookEndpointEventType = (typeof webhookEndpointEventTypes)[number];

/**
 * The outbox for webhook endpoint events (`webhook_endpoint.failing`, `.disabled`): written in the
 * same transaction as the endpoint change, relayed like payment events.
 */
export function endpointEventItem(
  tableName: string, merchantId: string, type: WebhookEndpointEventType, endpoint: WebhookEndpoint, now: Date,
): { item: TransactWriteItem; event: OutboxEvent<WebhookEndpointEventType, WebhookEndpoint> } {
  return outboxEventItem(tableName, merchantId, type, endpoint, { webhookEndpointId: { S: endpoint.id } }, now);
}
