import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { Charge } from '../charges/schemas.js';
import type { Verification, VerificationEventType } from '../customers/schemas.js';
import { newId } from '../ids/index.js';
import type { Payment } from '../payments/schemas.js';
import type { WebhookEndpoint } from '../webhooks/endpoint-object.js';
import type { ChargeEventType, LanepayEvent, PaymentEventType, WebhookEndpointEventType } from './schemas.js';
import { merchantListPartition } from '../merchants/items.js';

/** Events are kept 30 days (TTL), as the API promises. */
export const eventRetentionSeconds = 30 * 24 * 3600;

export function eventKey(eventId: string) {
  return { pk: { S: `EVENT#${eventId}` }, sk: { S: 'EVENT' } };
}

/** The gsi1 partition that lists a merchant's events, oldest first. */
export function merchantEventsPartition(merchantId: string): string {
  return merchantListPartition(merchantId, 'EVENTS');
}

const outboxShards = 8;

/**
 * Sparse gsi2 partitions listing outbox events not yet relayed, oldest first: the relay removes an
 * event's keys once it has published it, so what stays here past a few minutes was never relayed.
 */
export function unrelayedEventPartitions(): string[] {
  return Array.from({ length: outboxShards }, (_, shard) => `OUTBOX#${shard}`);
}

function unrelayedEventPartition(eventId: string): string {
  let hash = 0;
  for (const char of eventId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `OUTBOX#${hash % outboxShards}`;
}

/** The outbox: an event item written in the same transaction as the change it reports. */
export function paymentEventItem(tableName: string, merchantId: string, type: PaymentEventType, payment: Payment, now: Date): { item: TransactWriteItem; event: LanepayEvent } {
  return outboxEvent(tableName, merchantId, { type, object: payment }, { paymentId: { S: payment.id }, chain: { S: payment.chain } }, now);
}

/** The outbox for charge events: written in the same transaction as the charge change, relayed like payment events. */
export function chargeEventItem(tableName: string, merchantId: string, type: ChargeEventType, charge: Charge, now: Date): { item: TransactWriteItem; event: LanepayEvent } {
  return outboxEvent(tableName, merchantId, { type, object: charge }, { chargeId: { S: charge.id } }, now);
}

/**
 * The outbox for webhook endpoint events (`webhook_endpoint.failing`, `.disabled`): written in the
 * same transaction as the endpoint change, relayed like payment events.
 */
export function endpointEventItem(
  tableName: string, merchantId: string, type: WebhookEndpointEventType, endpoint: WebhookEndpoint, now: Date,
): { item: TransactWriteItem; event: LanepayEvent } {
  return outboxEvent(tableName, merchantId, { type, object: endpoint }, { webhookEndpointId: { S: endpoint.id } }, now);
}

/** The outbox for verification outcomes (`customer.verification.*`): the verification is masked, never PII. */
export function verificationEventItem(
  tableName: string, merchantId: string, type: VerificationEventType, verification: Verification, now: Date,
): { item: TransactWriteItem; event: LanepayEvent } {
  return outboxEvent(tableName, merchantId, { type, object: verification }, { customerId: { S: verification.customer }, verificationId: { S: verification.id } }, now);
}

function outboxEvent(
  tableName: string,
  merchantId: string,
  change: Pick<LanepayEvent, 'type'> & { object: LanepayEvent['data']['object'] },
  related: Record<string, AttributeValue>,
  now: Date,
): { item: TransactWriteItem; event: LanepayEvent } {
  const event = { id: newId('evt'), object: 'event', type: change.type, created_at: now.toISOString(), data: { object: change.object } } as LanepayEvent;
  return {
    event,
    item: {
      Put: {
        TableName: tableName,
        Item: {
          ...eventKey(event.id),
          entity: { S: 'event' },
          merchantId: { S: merchantId },
          type: { S: event.type },
          ...related,
          body: { S: JSON.stringify(event) },
          gsi1pk: { S: merchantEventsPartition(merchantId) },
          gsi1sk: { S: event.id },
          gsi2pk: { S: unrelayedEventPartition(event.id) },
          gsi2sk: { S: `${event.created_at}#${event.id}` },
          ttl: { N: String(Math.floor(now.getTime() / 1000) + eventRetentionSeconds) },
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  };
}
