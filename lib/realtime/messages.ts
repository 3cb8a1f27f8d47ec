import * as z from 'zod';
import { chargeIdSchema } from '../charges/schemas.js';
import { SubscriptionRefusedError } from './errors.js';

/**
 * What WebSocket clients send and receive besides events. Frames carry `object` like every API
 * object, so a client tells an event (`"object":"event"`) from an acknowledgement or an error.
 */
const maxMessageBytes = 4096;

const paymentIdSchema = z.string().regex(/^pay_[0-9a-z]{26}$/, 'must be a payment id (pay_...)');

export const subscribeMessageSchema = z.strictObject({
  action: z.literal('subscribe'),
  /** One payment's events; absent (with charge_id) for every event of the merchant. */
  payment_id: paymentIdSchema.optional(),
  /** One charge's events: what the hosted checkout page subscribes to. */
  charge_id: chargeIdSchema.optional(),
}).refine((message) => message.payment_id === undefined || message.charge_id === undefined, {
  message: 'give payment_id or charge_id, not both',
  path: ['charge_id'],
});

/** Body of POST /v1/realtime/tokens (may be empty): a payment_id limits the token to that payment. */
export const realtimeTokenBodySchema = z.strictObject({
  payment_id: paymentIdSchema.optional(),
});
export type SubscribeMessage = z.infer<typeof subscribeMessageSchema>;

/** Parses a subscribe message, refusing oversized, non-JSON or off-contract bodies with a precise code. */
export function parseSubscribeMessage(body: string | undefined | null): SubscribeMessage {
  const text = body ?? '';
  if (Buffer.byteLength(text, 'utf8') > maxMessageBytes) {
    throw new SubscriptionRefusedError('message_too_large', `Messages are limited to ${maxMessageBytes} bytes.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SubscriptionRefusedError('invalid_json', 'Send messages as JSON, e.g. {"action":"subscribe","payment_id":"pay_..."}.');
  }
  const parsed = subscribeMessageSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'message'} ${issue.message}`);
  throw new SubscriptionRefusedError('validation_error', `Invalid subscribe message: ${problems.join('; ')}.`);
}

export type Frame =
  | { object: 'subscription'; payment_id: string | null }
  | { object: 'subscription'; charge_id: string }
  | { object: 'error'; code: string; message: string };

/** The acknowledgement of a subscription: to a charge, to a payment, or (payment_id null) to everything. */
export function subscribedFrame(target: SubscriptionTarget): Frame {
  if (target.chargeId !== undefined) return { object: 'subscription', charge_id: target.chargeId };
  return { object: 'subscription', payment_id: target.paymentId ?? null };
}

/** What a connection subscribes to: one payment, one charge, or (neither) all the merchant's events. */
export interface SubscriptionTarget {
  paymentId?: string;
  chargeId?: string;
}

export function subscriptionTarget(message: SubscribeMessage): SubscriptionTarget {
  return {
    ...(message.payment_id !== undefined ? { paymentId: message.payment_id } : {}),
    ...(message.charge_id !== undefined ? { chargeId: message.charge_id } : {}),
  };
}

export function errorFrame(code: string, message: string): Frame {
  return { object: 'error', code, message };
}
