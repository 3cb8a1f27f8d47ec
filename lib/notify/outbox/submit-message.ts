import { createHash } from 'node:crypto';
import * as z from 'zod';
import { hotWalletGroup } from '#money';
import { eventSchema, type LanepayEvent } from '../events/schemas.js';

/**
 * Captured payments per chain-submit message. A FIFO queue hands a function at most 10 messages
 * of a group at a time, one batch after another; with one payment a message no nonce transaction
 * could take more than 10 payouts however many waited, so a chain never had more than 10 payouts
 * in a block. Three a message make a batch of up to 30 payouts, one nonce transaction (at most 40,
 * `maxBatch` in submit.ts), which a loaded local stack submits well within the function's 60 s.
 */
export const paymentsPerSubmitMessage = 3;

/**
 * A chain-submit message: the `payment.processing` events of up to `paymentsPerSubmitMessage`
 * captured payments of one chain, in the message group of the chain's hot wallet. chain-submit
 * also takes a bare `payment.processing` event (messages sent before this shape existed).
 */
export const payoutsRequestedSchema = z.strictObject({
  type: z.literal('payouts.requested'),
  chain: z.string(),
  // No upper bound: a message queued under another setting is still taken (submit.ts cuts batches).
  events: z.array(eventSchema).min(1),
  /** Each payment's trace header by event id: the message's own AWSTraceHeader can carry one trace only. */
  traceHeaders: z.record(z.string(), z.string()).optional(),
});
export type PayoutsRequested = z.infer<typeof payoutsRequestedSchema>;

export interface SubmitMessage {
  body: string;
  groupId: string;
  deduplicationId: string;
  /** The events the message carries, in order. */
  eventIds: string[];
  /** The first payment's trace, sent as the message's AWSTraceHeader. */
  traceHeader?: string | undefined;
}

/**
 * The chain-submit messages for captured payments, in their order: grouped by chain, at most
 * `paymentsPerSubmitMessage` a message. Deduplicated by payment id (one payment) or by the hash
 * of the payment ids, so the same batch relayed twice within five minutes is queued once. A
 * payment in two different messages (a stream batch retried in part) is harmless: chain-submit
 * takes each payment once (a payout already signed is re-broadcast, byte for byte).
 */
export function submitMessages(events: LanepayEvent[], traceHeaders: ReadonlyMap<string, string> = new Map()): SubmitMessage[] {
  const byChain = new Map<string, LanepayEvent[]>();
  for (const event of events) {
    if (event.type !== 'payment.processing') throw new Error(`event ${event.id} (${event.type}) is not a captured payment`);
    const chain = event.data.object.chain;
    byChain.set(chain, [...(byChain.get(chain) ?? []), event]);
  }
  const messages: SubmitMessage[] = [];
  for (const [chain, chainEvents] of byChain) {
    for (let start = 0; start < chainEvents.length; start += paymentsPerSubmitMessage) {
      const slice = chainEvents.slice(start, start + paymentsPerSubmitMessage);
      const paymentIds = slice.map((e) => e.data.object.id);
      const traces = Object.fromEntries(slice.flatMap((e) => (traceHeaders.has(e.id) ? [[e.id, traceHeaders.get(e.id)!]] : [])));
      messages.push({
        body: JSON.stringify({ type: 'payouts.requested', chain, events: slice, ...(Object.keys(traces).length > 0 ? { traceHeaders: traces } : {}) } satisfies PayoutsRequested),
        groupId: hotWalletGroup(chain),
        deduplicationId: paymentIds.length === 1 ? paymentIds[0]! : createHash('sha256').update(paymentIds.join(',')).digest('hex'),
        eventIds: slice.map((e) => e.id),
        traceHeader: traceHeaders.get(slice[0]!.id),
      });
    }
  }
  return messages;
}
