import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { merchantListPartition } from '#merchants';
import { jsonAttribute, readItem } from '#platform';
import { webhookEndpointSchema, type WebhookEndpoint } from './endpoint-object.js';
import { attemptSchema, type WebhookAttempt } from './schemas.js';

/** Attempts and delivery records are kept 30 days (TTL), like events. */
export const webhookRetentionSeconds = 30 * 24 * 3600;

/** An encrypted secret; the previous one after a rotation carries when it stops signing. */
export interface StoredSecret {
  ciphertext: string;
  expiresAtMs?: number;
}

/** The endpoint item: the API object plus its secrets and health bookkeeping. */
export interface EndpointRecord {
  endpoint: WebhookEndpoint;
  merchantId: string;
  secrets: StoredSecret[];
  version: number;
  /** First failure since the last success: the clock for disabling an endpoint that always fails. */
  failingSinceMs?: number;
  /** Set when `webhook_endpoint.failing` was raised for the current streak, so it is raised once. */
  failingReportedMs?: number;
  /** Failed attempts in a row, across every delivery to the endpoint: what opens its circuit. */
  consecutiveFailures?: number;
  /** While open, deliveries wait for this time without calling the endpoint (lib/notify/webhooks/circuit.ts). */
  circuitOpenUntilMs?: number;
}

export function endpointKey(id: string) {
  return { pk: { S: `WEBHOOK_ENDPOINT#${id}` }, sk: { S: 'WEBHOOK_ENDPOINT' } };
}

/**
 * The item counting a merchant's endpoints, whose condition enforces the cap. Its own partition,
 * not the merchant's: the webhooks role may write it without reaching the merchant's profile
 * (dynamodb:LeadingKeys, infra/webhooks.yml).
 */
export function endpointCountKey(merchantId: string) {
  return { pk: { S: `WEBHOOK_ENDPOINT_COUNT#${merchantId}` }, sk: { S: 'COUNT' } };
}

/** The count of an event's redeliveries in one clock hour (`2026-11-26T16`): outside the event's partition, as above. */
export function redeliveryCountKey(eventId: string, hour: string) {
  return { pk: { S: `REDELIVERIES#${eventId}` }, sk: { S: `HOUR#${hour}` } };
}

export function endpointListPartition(merchantId: string): string {
  return merchantListPartition(merchantId, 'WEBHOOK_ENDPOINTS');
}

export function endpointItem(record: EndpointRecord): Record<string, AttributeValue> {
  return {
    ...endpointKey(record.endpoint.id),
    entity: { S: 'webhook-endpoint' },
    merchantId: { S: record.merchantId },
    status: { S: record.endpoint.status },
    object: { S: JSON.stringify(record.endpoint) },
    secrets: { S: JSON.stringify(record.secrets) },
    version: { N: String(record.version) },
    gsi1pk: { S: endpointListPartition(record.merchantId) },
    gsi1sk: { S: record.endpoint.id },
  };
}

const storedEndpointSchema = z.object({
  object: jsonAttribute(webhookEndpointSchema),
  merchantId: z.string(),
  secrets: jsonAttribute(z.custom<StoredSecret[]>()),
  version: z.number(),
  failingSinceMs: z.number().optional(),
  failingReportedMs: z.number().optional(),
  consecutiveFailures: z.number().optional(),
  circuitOpenUntilMs: z.number().optional(),
});

export function endpointFromItem(item: Record<string, AttributeValue>): EndpointRecord {
  const { object, ...record } = readItem(storedEndpointSchema, item);
  return { endpoint: object, ...record };
}

/** The partition holding an endpoint's delivery attempts, sorted by attempt id. */
export function attemptsPartition(endpointId: string): string {
  return `WEBHOOK_ATTEMPTS#${endpointId}`;
}

export function attemptItem(endpointId: string, attempt: WebhookAttempt, now: Date): Record<string, AttributeValue> {
  return {
    pk: { S: attemptsPartition(endpointId) },
    sk: { S: attempt.id },
    entity: { S: 'webhook-attempt' },
    object: { S: JSON.stringify(attempt) },
    ttl: { N: String(Math.floor(now.getTime() / 1000) + webhookRetentionSeconds) },
  };
}

export function attemptFromItem(item: Record<string, AttributeValue>): WebhookAttempt {
  return readItem(z.object({ object: jsonAttribute(attemptSchema) }), item).object;
}

/** One delivery: an (endpoint, event) pair, per run (the first delivery, or each explicit redelivery). */
export function deliveryKey(endpointId: string, eventId: string, run: string) {
  return { pk: { S: `WEBHOOK_DELIVERY#${endpointId}#${eventId}#${run}` }, sk: { S: 'DELIVERY' } };
}

/** Marks an event as fanned out, so a repeated notify message enqueues nothing twice. */
export function fanOutKey(eventId: string) {
  return { pk: { S: `WEBHOOK_FANOUT#${eventId}` }, sk: { S: 'FANOUT' } };
}

export function ttlIn(now: Date, seconds = webhookRetentionSeconds): AttributeValue {
  return { N: String(Math.floor(now.getTime() / 1000) + seconds) };
}
