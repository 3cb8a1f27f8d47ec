import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { newId, traceHeaderFor } from '#platform';
import { merchantListPartition } from './items.js';

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

/** An event as merchants receive it: its type, and the object it reports on as it stood after the change. */
export interface OutboxEvent<Type extends string, Subject> {
  id: string;
  object: 'event';
  type: Type;
  created_at: string;
  data: { object: Subject };
}

/**
 * The outbox: an event item written in the same transaction as the change it reports, relayed from
 * the table stream (lib/notify/outbox). Each kind has its builder beside the object it reports on
 * (lib/money/payments/events.ts, lib/money/charges/events.ts, ...); `related` are the attributes that name that object.
 */
export function outboxEventItem<Type extends string, Subject>(
  tableName: string,
  merchantId: string,
  type: Type,
  subject: Subject,
  related: Record<string, AttributeValue>,
  now: Date,
): { item: TransactWriteItem; event: OutboxEvent<Type, Subject> } {
  const event: OutboxEvent<Type, Subject> = { id: newId('evt'), object: 'event', type, created_at: now.toISOString(), data: { object: subject } };
  // The trace of the work that wrote it (the API request, the check that settled the payout): the
  // relay sends it on with the event, so one payment keeps one trace past the table stream.
  const traceHeader = traceHeaderFor(subjectIdOf(subject));
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
          ...(traceHeader ? { traceHeader: { S: traceHeader } } : {}),
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

function subjectIdOf(subject: unknown): string | undefined {
  const id = (subject as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : undefined;
}
