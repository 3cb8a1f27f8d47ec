import * as z from 'zod';
import { allEventTypes } from '../events/schemas.js';
import { webhookEndpointSchema } from './endpoint-object.js';

const eventTypeOrWildcard = z.union([z.literal('*'), z.enum(allEventTypes)], {
  error: `must be "*" or one of ${allEventTypes.join(', ')}`,
});

/** Body of POST /v1/webhook_endpoints. The URL's scheme and host are checked beyond this (url.ts). */
export const createEndpointBodySchema = z.strictObject({
  url: z.string().min(1).max(2048).meta({
    format: 'uri', pattern: '^https?://',
    description: 'An absolute https URL (http too on the local stage) whose host resolves only to public addresses (loopback too on the local stage).',
  }),
  events: z.array(eventTypeOrWildcard).min(1).max(allEventTypes.length + 1)
    .refine((events) => !events.includes('*') || events.length === 1, 'use "*" alone, not with other types')
    .transform((events) => [...new Set(events)])
    // JSON Schema for the refinement above: either "*" alone or no "*" at all.
    .meta({ anyOf: [{ maxItems: 1 }, { items: { not: { const: '*' } } }] }),
  description: z.string().max(500).optional(),
});
export type CreateEndpointBody = z.infer<typeof createEndpointBodySchema>;

export const endpointIdPathSchema = z.strictObject({ id: z.string().regex(/^we_[0-9a-z]{26}$/, 'must be a webhook endpoint id (we_...)') });

export const endpointListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(10),
  starting_after: z.string().regex(/^we_[0-9a-z]{26}$/).optional(),
});

export const attemptListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(10),
  starting_after: z.string().regex(/^wa_[0-9a-z]{26}$/).optional(),
});

/** The endpoint with its secret, answered once: on creation and on rotation. */
export const endpointWithSecretSchema = webhookEndpointSchema.extend({
  secret: z.string(),
  /** Present when the merchant's approval policy held the endpoint (202): registered once approved. */
  approval_id: z.string().optional(),
});

/** The answer of DELETE /v1/webhook_endpoints/{id}. */
export const deletedEndpointSchema = z.object({ id: z.string(), object: z.literal('webhook_endpoint'), deleted: z.literal(true) });

/** One delivery attempt, as GET /v1/webhook_endpoints/{id}/attempts lists it. */
export const attemptSchema = z.object({
  id: z.string(),
  object: z.literal('webhook_attempt'),
  event_id: z.string(),
  /** 1 for the first attempt of a delivery; retries count up. */
  attempt: z.number().int(),
  created_at: z.string(),
  status_code: z.number().int().nullable(),
  latency_ms: z.number().int(),
  error: z.string().nullable(),
  succeeded: z.boolean(),
});
export type WebhookAttempt = z.infer<typeof attemptSchema>;

export const redeliverySchema = z.object({ object: z.literal('redelivery'), event_id: z.string(), endpoints: z.number().int() });

/**
 * A message on the delivery queue: one (endpoint, event) and which attempt it is. `run` tells an
 * explicit redelivery (`rd_...`) from the first delivery (`first`); `notBeforeMs` chains waits
 * longer than SQS's 15-minute maximum delay.
 */
export const deliveryMessageSchema = z.strictObject({
  endpointId: z.string().regex(/^we_[0-9a-z]{26}$/),
  eventId: z.string().regex(/^evt_[0-9a-z]{26}$/),
  merchantId: z.string().min(1),
  run: z.union([z.literal('first'), z.string().regex(/^rd_[0-9a-z]{26}$/)]),
  attempt: z.number().int().min(1),
  notBeforeMs: z.number().int().min(0),
  /** The payment or charge the event is about: the delivery's log lines name it (its trace is the message's AWSTraceHeader). */
  objectId: z.string().max(64).optional(),
});
export type DeliveryMessage = z.infer<typeof deliveryMessageSchema>;
