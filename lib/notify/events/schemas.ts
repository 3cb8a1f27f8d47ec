import * as z from 'zod';
import { verificationEventTypes, verificationSchema } from '#compliance';
import { chargeEventTypes, chargeSchema, paymentEventTypes, paymentSchema, refundEventTypes, refundSchema } from '#money';
import { reportEventTypes, reportSchema } from '#reports';
import { webhookEndpointSchema } from '../webhooks/endpoint-object.js';
import { webhookEndpointEventTypes } from '../webhooks/events.js';

/**
 * The events merchants receive (webhooks, WebSocket receipts, GET /v1/events): one union of every
 * kind, each carrying the object it reports on as it stood after the change. Each kind's types are
 * listed, and its events written, beside its object (lib/money/payments/events.ts, lib/money/charges/events.ts,
 * lib/notify/webhooks/events.ts, lib/compliance/customers/events.ts).
 */

/** Every event type a merchant can receive (and subscribe a webhook endpoint to). */
export const allEventTypes = [...paymentEventTypes, ...chargeEventTypes, ...refundEventTypes, ...reportEventTypes, ...webhookEndpointEventTypes, ...verificationEventTypes] as const;
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

const refundEventSchema = z.object({
  id: z.string(),
  object: z.literal('event'),
  type: z.enum(refundEventTypes),
  created_at: z.string(),
  data: z.object({ object: refundSchema }),
});

/** A report requested (`report.created`) and its file written (`report.ready`); never with a download URL. */
const reportEventSchema = z.object({
  id: z.string(),
  object: z.literal('event'),
  type: z.enum(reportEventTypes),
  created_at: z.string(),
  data: z.object({ object: reportSchema.omit({ download: true }) }),
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

export const eventSchema = z.discriminatedUnion('type', [paymentEventSchema, chargeEventSchema, refundEventSchema, reportEventSchema, webhookEndpointEventSchema, verificationEventSchema]);
export type LanepayEvent = z.infer<typeof eventSchema>;

