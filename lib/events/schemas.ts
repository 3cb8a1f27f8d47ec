import * as z from 'zod';
import { chargeSchema } from '../charges/schemas.js';
import { verificationEventTypes, verificationSchema } from '../customers/schemas.js';
import { paymentSchema } from '../payments/schemas.js';
import { webhookEndpointSchema } from '../webhooks/endpoint-object.js';

/**
 * The events merchants receive (webhooks, WebSocket receipts, GET /v1/events): one union of every
 * kind, each carrying the object it reports on as it stood after the change.
 */

/** Events about payments; each carries the payment as it stood after the change. */
export const paymentEventTypes = [
  'payment.authorized', 'payment.declined', 'payment.processing', 'payment.succeeded',
  'payment.failed', 'payment.canceled', 'payment.expired', 'payment.requires_approval',
] as const;
export type PaymentEventType = (typeof paymentEventTypes)[number];

/** Events about charges (pay-ins); each carries the charge as it stood after the change. */
export const chargeEventTypes = [
  'charge.created', 'charge.pending', 'charge.succeeded', 'charge.underpaid',
  'charge.expired', 'charge.canceled', 'charge.deposit_reverted',
] as const;
export type ChargeEventType = (typeof chargeEventTypes)[number];

/** Events about a merchant's webhook endpoints; each carries the endpoint object. */
export const webhookEndpointEventTypes = ['webhook_endpoint.failing', 'webhook_endpoint.disabled'] as const;
export type WebhookEndpointEventType = (typeof webhookEndpointEventTypes)[number];

/** Every event type a merchant can receive (and subscribe a webhook endpoint to). */
export const allEventTypes = [...paymentEventTypes, ...chargeEventTypes, ...webhookEndpointEventTypes, ...verificationEventTypes] as const;
export type AnyEventType = (typeof allEventTypes)[number];


const paymentEventSchema = z.object({
  id: z.string(),
  object: z.literal('event'),
  type: z.enum(paymentEventTypes),
  created_at: z.string(),
  data: z.object({ object: paymentSchema }),
});

const chargeEventSchema = z.object({
  id: z.string(),
  object: z.literal('event'),
  type: z.enum(chargeEventTypes),
  created_at: z.string(),
  data: z.object({ object: chargeSchema }),
});

const webhookEndpointEventSchema = z.object({
  id: z.string(),
  object: z.literal('event'),
  type: z.enum(webhookEndpointEventTypes),
  created_at: z.string(),
  data: z.object({ object: webhookEndpointSchema }),
});

/** Outcomes of customer verifications (KYC); each carries the verification, PII masked. */
const verificationEventSchema = z.object({
  id: z.string(),
  object: z.literal('event'),
  type: z.enum(verificationEventTypes),
  created_at: z.string(),
  data: z.object({ object: verificationSchema }),
});

export const eventSchema = z.discriminatedUnion('type', [paymentEventSchema, chargeEventSchema, webhookEndpointEventSchema, verificationEventSchema]);
export type LanepayEvent = z.infer<typeof eventSchema>;

