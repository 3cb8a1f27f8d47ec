import { setTimeout as delay } from 'node:timers/promises';
import { redriveEventDeliveries, unfinishedDeliveries, type LanepayEvent } from '#notify';
import { unrelayedEvents } from '#treasury';
import { StackError } from '../../scripts/stack/errors.js';
import type { RecoveryStack } from './recovery-stack.js';
import { eventsSince, queuedCount, webhookDeps, type ReplayContext, type ReplayReport } from './replay.js';

const pollMs = 500;

/**
 * The replay done by a second stack pointed at the copy (`startRecoveryStack`), as after a real
 * restore: its reconciler re-drives the events the restore point had not relayed (its own relay
 * code, then its notify and webhook-deliver functions), the drill enqueues again on the stack's
 * delivery queue what was in flight at the restore point (a restore loses the queues: a runbook
 * step no stack can infer, docs/dr.md), and the stack delivers until every event's deliveries are
 * finished or the deadline comes.
 */
export async function replayThroughStack(ctx: ReplayContext, stack: RecoveryStack): Promise<ReplayReport> {
  const queue = (logicalId: string) => {
    const found = stack.queues[logicalId];
    if (found === undefined) throw new StackError(`The recovery stack has no ${logicalId}.`);
    return found.url;
  };
  const relayDeps = {
    sqs: ctx.sqs, dynamodb: ctx.dynamodb, tableName: ctx.tableName, now: () => new Date(),
    notifyQueueUrl: queue('NotifyQueue'), chainSubmitQueueUrl: queue('ChainSubmitQueue'), flowTotalsQueueUrl: queue('FlowTotalsQueue'), reportsQueueUrl: queue('ReportsQueue'),
  };
  const unrelayed = new Map<string, { event: LanepayEvent; merchantId: string }>();
  for await (const { event, merchantId } of unrelayedEvents(relayDeps, { olderThanMs: 0 })) unrelayed.set(event.id, { event, merchantId });
  await stack.invoke('reconcile');
  const stillUnrelayed: string[] = [];
  for await (const { event } of unrelayedEvents(relayDeps, { olderThanMs: 0 })) stillUnrelayed.push(event.id);
  if (stillUnrelayed.length > 0) throw new StackError(`The recovery stack's reconciler left ${stillUnrelayed.length} events unrelayed (${stillUnrelayed.slice(0, 3).join(', ')}…).`);

  const webhooks = webhookDeps(ctx, { deliveries: queue('WebhookDeliveryQueue'), deliveriesDeadLetter: queue('WebhookDeliveryDeadLetterQueue') });
  const since = new Date(ctx.restorePoint.getTime() - ctx.lookbackMs).toISOString();
  let redriven = 0;
  // Every event whose deliveries the drill waits for: the re-driven ones and those of the lookback.
  const replayed = [...unrelayed.values()];
  for await (const { event, merchantId } of eventsSince(ctx, since)) {
    if (unrelayed.has(event.id)) continue;
    redriven += (await redriveEventDeliveries(webhooks, event, merchantId)).redriven;
    replayed.push({ event, merchantId });
  }

  const busyQueues = [queue('NotifyQueue'), queue('WebhookDeliveryQueue')];
  let left = Number.POSITIVE_INFINITY;
  while (Date.now() < ctx.deadline) {
    const queued = (await Promise.all(busyQueues.map((url) => queuedCount(ctx.sqs, url)))).reduce((a, b) => a + b, 0);
    if (queued === 0) {
      left = await unfinishedCount(ctx, replayed);
      if (left === 0) break;
    }
    await delay(pollMs);
  }
  if (left !== 0) left = await unfinishedCount(ctx, replayed);
  return {
    eventsRelayed: unrelayed.size,
    deliveriesRedriven: redriven,
    otherMessages: await queuedCount(ctx.sqs, queue('ChainSubmitQueue')),
    deliveriesLeft: left,
    replayedBy: 'recovery stack',
  };
}

async function unfinishedCount(ctx: ReplayContext, events: { event: LanepayEvent; merchantId: string }[]): Promise<number> {
  let count = 0;
  for (const { event, merchantId } of events) count += (await unfinishedDeliveries(ctx, event, merchantId)).length;
  return count;
}
