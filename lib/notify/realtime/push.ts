import { GoneException, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { checkoutEvent } from '#money';
import type { LanepayEvent } from '../events/schemas.js';
import { findSubscribers, forgetConnection, type Subscriber } from './connections.js';
import type { RealtimeDeps } from './deps.js';

/** Posts in waves of this many, so a merchant with many open dashboards cannot exhaust sockets. */
const postConcurrency = 25;

/**
 * Sends `event` to every WebSocket connection of `merchantId` subscribed to its payment or to all
 * its payments. The frame is the event's JSON, the same a webhook carries. A connection API Gateway
 * reports gone (410) is forgotten; any other failure is reported through `deps.postFailed` and does
 * not stop the others. A hosted checkout page's connection receives charge events only, carrying
 * the charge's public view. Resolves to the number of connections the event reached.
 */
export async function pushEvent(deps: RealtimeDeps, event: LanepayEvent, merchantId: string): Promise<{ connections: number }> {
  const subscribers = await findSubscribers(deps, merchantId, subjectsOf(event));
  const frames = framesOf(event);
  const deliveries = subscribers.flatMap((subscriber) => {
    const data = frames[subscriber.view];
    return data ? [{ subscriber, data }] : [];
  });
  let reached = 0;
  for (let start = 0; start < deliveries.length; start += postConcurrency) {
    const wave = deliveries.slice(start, start + postConcurrency);
    const results = await Promise.all(wave.map(({ subscriber, data }) => post(deps, subscriber.connectionId, event.id, data)));
    reached += results.filter(Boolean).length;
  }
  return { connections: reached };
}

/**
 * The objects whose subscribers an event reaches: its own, and for a refund also its payout and its
 * charge, so a page following a payment or a charge sees it refunded.
 */
function subjectsOf(event: LanepayEvent): string[] {
  const { object } = event.data;
  return 'payout' in object && 'charge' in object ? [object.id, object.payout, object.charge] : [object.id];
}

/** The frame each kind of subscriber receives; none for a checkout page when it is not a charge event. */
function framesOf(event: LanepayEvent): Record<Subscriber['view'], Uint8Array | undefined> {
  const encoder = new TextEncoder();
  const forCheckout = checkoutEvent(event);
  return {
    merchant: encoder.encode(JSON.stringify(event)),
    checkout: forCheckout ? encoder.encode(JSON.stringify(forCheckout)) : undefined,
  };
}

async function post(deps: RealtimeDeps, connectionId: string, eventId: string, data: Uint8Array): Promise<boolean> {
  try {
    await deps.management.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }));
    return true;
  } catch (error) {
    try {
      if (isGone(error)) await forgetConnection(deps, connectionId);
      else deps.postFailed({ connectionId, eventId, error });
    } catch (cleanupError) {
      deps.postFailed({ connectionId, eventId, error: cleanupError });
    }
    return false;
  }
}

/**
 * API Gateway answers 410 GoneException; serverless-offline answers a bare 410 without an error
 * type, which the SDK cannot name, so the status code decides.
 */
function isGone(error: unknown): boolean {
  if (error instanceof GoneException) return true;
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode === 410;
}
