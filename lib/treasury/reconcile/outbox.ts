import { unrelayedEventPartitions } from '#merchants';
import { eventSchema, relayEvent, type LanepayEvent, type RelayDeps } from '#notify';
import type { ReconcileDeps, ReconcileOptions } from './deps.js';
import type { Finding } from './findings.js';
import { keysBefore, readByKey } from './index-keys.js';

/**
 * Outbox events written before the age limit and still in the unrelayed index (sparse gsi2
 * OUTBOX#<shard>): the stream relay gave up on them or never saw them. Each is relayed again, by
 * the relay's own code, which also takes it out of the index.
 */
export async function* unrelayedEvents(
  deps: Pick<ReconcileDeps, 'dynamodb' | 'tableName' | 'now'> & RelayDeps, options: Pick<ReconcileOptions, 'olderThanMs'>,
): AsyncGenerator<{ finding: Finding<'event_not_relayed'>; event: LanepayEvent; merchantId: string; redrive: () => Promise<void> }> {
  const before = new Date(deps.now().getTime() - options.olderThanMs);
  for (const partition of unrelayedEventPartitions()) {
    for await (const key of keysBefore(deps, partition, before)) {
      const item = await readByKey(deps, key);
      if (!item?.body?.S || !item.merchantId?.S) continue;
      const event = eventSchema.parse(JSON.parse(item.body.S));
      const merchantId = item.merchantId.S;
      // The event keeps its trace (lib/merchants/events.ts) when the reconciler sends it on.
      const traceHeader = item.traceHeader?.S;
      yield {
        finding: { kind: 'event_not_relayed', subject: event.id, detail: `${event.type} of ${event.created_at} never relayed` },
        event,
        merchantId,
        redrive: async () => { await relayEvent(deps, event, merchantId, traceHeader); },
      };
    }
  }
}
