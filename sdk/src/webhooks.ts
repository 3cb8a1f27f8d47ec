import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { LanepayError, LanepaySignatureVerificationError } from './errors.js';
import type { LanepayEvent } from './types.js';

/** Request headers as Node's http module, the Fetch API or a framework hands them over. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

/**
 * Checks a webhook delivery (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
 * `webhook-signature`, five minutes of tolerance) against the endpoint's `whsec_` secret and
 * returns the event. `payload` must be the raw body exactly as received: a body parsed and
 * re-serialised no longer matches its signature.
 */
export function verifyWebhook(payload: string | Uint8Array, headers: WebhookHeaders, secret: string): LanepayEvent {
  if (typeof payload !== 'string' && !(payload instanceof Uint8Array)) {
    throw new LanepayError('Pass the raw request body (a string or Buffer) to webhooks.verify, not a parsed object.');
  }
  const body = typeof payload === 'string' ? payload : new TextDecoder().decode(payload);
  try {
    return new Webhook(secret).verify(body, lowerCased(headers)) as LanepayEvent;
  } catch (error) {
    if (error instanceof WebhookVerificationError) {
      throw new LanepaySignatureVerificationError(`Webhook not verified: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/** `lanepay.webhooks`, also importable alone for a receiver that holds no API key. */
export const webhooks = { verify: verifyWebhook };

function lowerCased(headers: WebhookHeaders): Record<string, string> {
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  const result: Record<string, string> = {};
  for (const [name, value] of entries) {
    const text = Array.isArray(value) ? value[0] : value;
    if (text !== undefined) result[name.toLowerCase()] = text;
  }
  return result;
}
