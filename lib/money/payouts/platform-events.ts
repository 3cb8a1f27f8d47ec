import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { eventKey, eventRetentionSeconds } from '#merchants';
import { newId } from '#platform';

/** Every platform event type; the outbox relay publishes each to the operators' alerts topic. */
export const platformEventTypes = [
  'liquidity.low', 'liquidity.forecast_shortfall', 'reconcile.discrepancy', 'payout.stuck', 'deposit.set_aside',
  'treasury.transfer.proposed', 'treasury.transfer.signed', 'treasury.transfer.executing', 'treasury.transfer.burned', 'treasury.transfer.minting',
  'treasury.transfer.succeeded', 'treasury.transfer.failed', 'treasury.funding.booked',
  'treasury.proposal.approved_by', 'treasury.proposal.approved', 'treasury.proposal.rejected', 'treasury.proposal.expired',
  'treasury.attestation_overdue',
] as const;
export type PlatformEventType = (typeof platformEventTypes)[number];

/**
 * The events the treasury function works on (functions/treasury): each names its transfer, and the
 * function takes the transfer as far as its record and its approval allow. Relayed to its queue as
 * well as to the alerts topic.
 */
export const treasuryWorkEventTypes: readonly PlatformEventType[] = [
  'treasury.transfer.proposed', 'treasury.transfer.executing', 'treasury.transfer.burned', 'treasury.transfer.minting',
  'treasury.proposal.approved_by', 'treasury.proposal.approved', 'treasury.proposal.rejected', 'treasury.proposal.expired',
];

/** A platform event as its item's `body` holds it. */
export const platformEventSchema = z.object({
  id: z.string().regex(/^evt_[0-9a-z]{26}$/),
  object: z.literal('event'),
  type: z.enum(platformEventTypes),
  created_at: z.iso.datetime(),
  data: z.object({ object: z.record(z.string(), z.string()) }),
});
export type PlatformEvent = z.infer<typeof platformEventSchema>;

/**
 * Events for operators rather than merchants, kept 30 days: `liquidity.low` (a payout waits for
 * funds), `liquidity.forecast_shortfall` (the forecast job expects a hot wallet to run dry),
 * `reconcile.discrepancy` (the reconciler found what it must not repair alone, lib/treasury/reconcile) and
 * `payout.stuck` (a transaction Lanepay did not record took a payout's nonce) and `deposit.set_aside`
 * (the chain watcher could not book a transfer and went on without it, lib/money/charges/set-aside.ts);
 * `treasury.transfer.*`, each step of a treasury transfer (lib/treasury/transfers); `treasury.proposal.*`,
 * its approval's votes and outcome (lib/treasury/proposals); `treasury.attestation_overdue`, a burn
 * whose CCTP attestation did not come in time; `treasury.funding.booked`, money from outside booked
 * into a treasury or a hot wallet (lib/treasury/funding; `account` says which).
 */
export function platformEventItem(tableName: string, type: PlatformEventType, object: Record<string, string>, now: Date): TransactWriteItem {
  const event: PlatformEvent = { id: newId('evt'), object: 'event', type, created_at: now.toISOString(), data: { object } };
  return {
    Put: {
      TableName: tableName,
      Item: {
        ...eventKey(event.id),
        entity: { S: 'platform-event' },
        type: { S: type },
        body: { S: JSON.stringify(event) },
        gsi1pk: { S: 'PLATFORM#EVENTS' },
        gsi1sk: { S: event.id },
        ttl: { N: String(Math.floor(now.getTime() / 1000) + eventRetentionSeconds) },
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}
