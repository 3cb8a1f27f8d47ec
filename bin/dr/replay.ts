import { paginateScan, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import { CreateQueueCommand, DeleteMessageCommand, DeleteQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import { lookup } from 'node:dns/promises';
import { deliverWebhook, deliveryMessageSchema, eventSchema, fanOutEvent, pinnedTransport, redriveEventDeliveries, type DeliveryOutcome, type LanepayEvent, type WebhookDeps } from '#notify';
import type { Stage } from '#platform';
import { unrelayedEvents } from '#treasury';

export interface DrillQueues {
  notify: string;
  deliveries: string;
  deliveriesDeadLetter: string;
  chainSubmit: string;
  flowTotals: string;
  reports: string;
}

export interface ReplayReport {
  /** Events the restore point had not relayed yet: relayed now, from the restored table. */
  eventsRelayed: number;
  /** Deliveries in flight at the restore point (fanned out, not finished), enqueued again. */
  deliveriesRedriven: number;
  /**
   * What each delivery attempt of the replay came to (delivered, retry_scheduled, skipped_duplicate…),
   * when the drill delivered in-process (AWS stages); a recovery stack's deliveries are its own.
   */
  attempts?: Partial<Record<DeliveryOutcome, number>>;
  /** Payouts the copy would clear (chain-submit messages): a recovery's work that a drill leaves undone, never on chain. */
  otherMessages: number;
  /** Deliveries not finished when the drill's deadline came (retries of an endpoint that was down). */
  deliveriesLeft: number;
  /** Who replayed: a second stack pointed at the copy (local), or the functions' code run by the drill (AWS). */
  replayedBy: 'recovery stack' | 'drill';
}

export interface ReplayContext {
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  kms: KMSClient;
  stage: Stage;
  /** The restored copy. */
  tableName: string;
  dataKeyId: string;
  restorePoint: Date;
  /** Events this long before the restore point may still have deliveries in flight. */
  lookbackMs: number;
  deadline: number;
}

/** Queues of the drill's own, so the restored copy's work never reaches the live stack's functions. */
export async function createDrillQueues(sqs: SQSClient, prefix: string): Promise<DrillQueues> {
  const create = async (name: string, fifo = false) =>
    (await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-${name}${fifo ? '.fifo' : ''}`, Attributes: fifo ? { FifoQueue: 'true' } : {} }))).QueueUrl!;
  return {
    notify: await create('notify'),
    deliveries: await create('deliveries'),
    deliveriesDeadLetter: await create('deliveries-dlq'),
    chainSubmit: await create('chain-submit', true),
    flowTotals: await create('flow-totals'),
    reports: await create('reports'),
  };
}

export async function deleteDrillQueues(sqs: SQSClient, queues: DrillQueues): Promise<void> {
  await Promise.all(Object.values(queues).map((url) => sqs.send(new DeleteQueueCommand({ QueueUrl: url }))));
}

/**
 * What a stack pointed at the restored table does first, run here with the functions' own code
 * (the relay's, notify's fan-out, webhook-deliver's) against the copy and the drill's queues:
 * 1. relays the events the restore point had not relayed (the reconciler's re-drive);
 * 2. fans them out to the merchants' endpoints;
 * 3. enqueues again the deliveries that were in flight at the restore point (their queue is gone);
 * 4. delivers until nothing is queued or the deadline comes.
 * Deliveries go to the merchants' real endpoints: a drill on a production copy notifies them again,
 * with the same event ids, as a real restore would.
 */
export async function replayRestored(ctx: ReplayContext, queues: DrillQueues): Promise<ReplayReport> {
  const report: ReplayReport = { eventsRelayed: 0, deliveriesRedriven: 0, attempts: {}, otherMessages: 0, deliveriesLeft: 0, replayedBy: 'drill' };
  const webhooks = webhookDeps(ctx, queues);
  const relayDeps = {
    sqs: ctx.sqs, dynamodb: ctx.dynamodb, tableName: ctx.tableName, now: () => new Date(),
    notifyQueueUrl: queues.notify, chainSubmitQueueUrl: queues.chainSubmit, flowTotalsQueueUrl: queues.flowTotals, reportsQueueUrl: queues.reports,
  };
  const relayedNow = new Set<string>();
  for await (const unrelayed of unrelayedEvents(relayDeps, { olderThanMs: 0 })) {
    await unrelayed.redrive();
    relayedNow.add(unrelayed.event.id);
  }
  report.eventsRelayed = relayedNow.size;

  for (const message of await drain(ctx.sqs, queues.notify, ctx.deadline)) {
    const event = eventSchema.parse(JSON.parse(message.Body!));
    await fanOutEvent(webhooks, event, message.MessageAttributes!.merchantId!.StringValue!);
  }

  const since = new Date(ctx.restorePoint.getTime() - ctx.lookbackMs).toISOString();
  for await (const { event, merchantId } of eventsSince(ctx, since)) {
    if (relayedNow.has(event.id)) continue;
    report.deliveriesRedriven += (await redriveEventDeliveries(webhooks, event, merchantId)).redriven;
  }

  // Retries come back on the queue (SQS delays); keep delivering until none is left or time is up.
  while (Date.now() < ctx.deadline) {
    const batch = await drain(ctx.sqs, queues.deliveries, ctx.deadline, 1);
    if (batch.length === 0 && (await nothingQueued(ctx.sqs, queues.deliveries))) break;
    for (const message of batch) {
      const outcome = await deliverWebhook(webhooks, deliveryMessageSchema.parse(JSON.parse(message.Body!)));
      report.attempts![outcome] = (report.attempts![outcome] ?? 0) + 1;
    }
  }
  report.deliveriesLeft = await queuedCount(ctx.sqs, queues.deliveries);
  for (const url of [queues.chainSubmit, queues.flowTotals, queues.reports]) report.otherMessages += await queuedCount(ctx.sqs, url);
  return report;
}

// Warnings and errors only, which go to stderr: stdout is the drill's report.
const logger = new Logger({ serviceName: 'dr-drill', logLevel: 'WARN' });

export function webhookDeps(ctx: ReplayContext, queues: Pick<DrillQueues, 'deliveries' | 'deliveriesDeadLetter'>): WebhookDeps {
  return {
    dynamodb: ctx.dynamodb, sqs: ctx.sqs, kms: ctx.kms, tableName: ctx.tableName, stage: ctx.stage, dataKeyId: ctx.dataKeyId,
    deliveryQueueUrl: queues.deliveries, deliveryDeadLetterQueueUrl: queues.deliveriesDeadLetter,
    // Short waits between attempts: the drill measures recovery, not an endpoint's patience.
    retryScheduleSeconds: [1, 2, 4], disableAfterMs: Number.MAX_SAFE_INTEGER, secretOverlapMs: 0,
    resolve: (hostname) => lookup(hostname, { all: true, verbatim: true }),
    transport: pinnedTransport,
    logger,
    signal: (signal) => logger.warn(signal.kind, { ...signal }),
    now: () => new Date(),
    random: Math.random,
  };
}

/** The events of the copy created since `since` (a scan: a drill reads the whole copy once). */
export async function* eventsSince(ctx: Pick<ReplayContext, 'dynamodb' | 'tableName'>, since: string): AsyncGenerator<{ event: LanepayEvent; merchantId: string }> {
  const pages = paginateScan({ client: ctx.dynamodb }, {
    TableName: ctx.tableName,
    FilterExpression: 'begins_with(pk, :event) AND entity = :entity',
    ExpressionAttributeValues: { ':event': { S: 'EVENT#' }, ':entity': { S: 'event' } },
  });
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      const event = eventSchema.parse(JSON.parse(item.body!.S!));
      if (event.created_at >= since) yield { event, merchantId: item.merchantId!.S! };
    }
  }
}

/** Receives what the queue holds now (or, with `rounds`, that many receives), deleting each message as it is taken. */
async function drain(sqs: SQSClient, queueUrl: string, deadline: number, rounds = Number.POSITIVE_INFINITY) {
  const taken = [];
  for (let round = 0; round < rounds && Date.now() < deadline; round += 1) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }));
    if (Messages.length === 0) break;
    for (const message of Messages) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle! }));
    taken.push(...Messages);
  }
  return taken;
}

export async function queuedCount(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({
    QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
  }));
  return Number(Attributes.ApproximateNumberOfMessages ?? 0) + Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) + Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0);
}

async function nothingQueued(sqs: SQSClient, queueUrl: string): Promise<boolean> {
  return (await queuedCount(sqs, queueUrl)) === 0;
}
