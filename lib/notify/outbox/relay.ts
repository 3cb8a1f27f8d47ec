import { ConditionalCheckFailedException, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, SendMessageCommand, type MessageAttributeValue, type SendMessageBatchRequestEntry, type SQSClient } from '@aws-sdk/client-sqs';
import { eventKey } from '#merchants';
import { bookedPayoutEventType, treasuryWorkEventTypes } from '#money';
import { reportJobEventType } from '#reports';
import { traceMessageAttributes } from '#platform';
import type { LanepayEvent } from '../events/schemas.js';
import { submitMessages } from './submit-message.js';
import { publishPlatformEvent, type AlertsDeps } from './alerts.js';
import type { OutboxItem } from './items.js';

export interface RelayDeps {
  sqs: SQSClient;
  dynamodb: DynamoDBClient;
  tableName: string;
  notifyQueueUrl: string;
  chainSubmitQueueUrl: string;
  flowTotalsQueueUrl: string;
  /** Report jobs: each `report.created` event (lib/reports builds it). */
  reportsQueueUrl: string;
}

export type Relayed = { eventId: string; type: string; targets: string[] };
/** Per outbox item: where it went, or why it must be relayed again. */
export type RelayResult = Relayed | { eventId: string; error: unknown };

/**
 * Relays one outbox item from the table stream: a merchant event to the queues (relayEvents), a
 * platform event to the operators' alerts topic (and a treasury step to the treasury queue). `lanepay outbox replay` comes through here, so a
 * replayed record goes exactly where it would have gone.
 */
export async function relayOutboxItem(deps: RelayDeps & AlertsDeps, item: OutboxItem): Promise<Relayed> {
  const [result] = await relayOutboxItems(deps, [item]);
  if ('error' in result!) throw result.error;
  return result!;
}

/**
 * Relays a stream batch of outbox items together: platform events to the alerts topic, merchant
 * events in SendMessageBatch calls (relayEvents). One result per item, in order; an item whose
 * publishing failed carries its error and is relayed again (consumers dedupe by event id).
 */
export async function relayOutboxItems(deps: RelayDeps & AlertsDeps, items: OutboxItem[]): Promise<RelayResult[]> {
  const merchant = items.filter((item) => item.entity === 'event');
  const relayed = new Map((await relayEvents(deps, merchant.map((item) => ({ event: item.body, merchantId: item.merchantId, traceHeader: item.traceHeader })))).map((r) => [r.eventId, r]));
  return Promise.all(items.map(async (item): Promise<RelayResult> => {
    if (item.entity === 'event') return relayed.get(item.body.id)!;
    try {
      const treasuryWork = treasuryWorkEventTypes.includes(item.body.type);
      await Promise.all([
        publishPlatformEvent(deps, item.body),
        ...(treasuryWork ? [deps.sqs.send(new SendMessageCommand({ QueueUrl: deps.treasuryQueueUrl, MessageBody: JSON.stringify(item.body), MessageAttributes: { eventId: { DataType: 'String', StringValue: item.body.id }, eventType: { DataType: 'String', StringValue: item.body.type } } }))] : []),
      ]);
      return { eventId: item.body.id, type: item.body.type, targets: ['alerts', ...(treasuryWork ? ['treasury'] : [])] };
    } catch (error) {
      return { eventId: item.body.id, error };
    }
  }));
}

/** relayEvents for one event (the reconciler's re-drive); its error is thrown. */
export async function relayEvent(deps: RelayDeps, event: LanepayEvent, merchantId: string, traceHeader?: string): Promise<{ queues: string[] }> {
  const [result] = await relayEvents(deps, [{ event, merchantId, traceHeader }]);
  if ('error' in result!) throw result.error;
  return { queues: result!.targets };
}

/**
 * Publishes outbox events: every event to the notify queue, captured payments
 * (`payment.processing`) to the chain-submit FIFO queue in the message group of the chain's hot
 * wallet, several to a message (submitMessages) so one nonce transaction can take more than ten,
 * and booked payouts (`payment.succeeded`) to the flow-totals queue (hourly totals for the forecast
 * job), and requested reports (`report.created`) to the reports queue, whose function builds them.
 * Ten messages per SendMessageBatch call. Consumers dedupe by event id as well, because a
 * stream record can be delivered more than once. Then each event leaves the unrelayed index, so
 * the reconciler (lib/treasury/reconcile) only sees events whose relay never finished.
 */
export async function relayEvents(deps: RelayDeps, events: { event: LanepayEvent; merchantId: string; traceHeader?: string | undefined }[]): Promise<RelayResult[]> {
  const failures = new Map<string, unknown>();
  const fail = (eventIds: string[], error: unknown) => eventIds.forEach((id) => failures.set(id, failures.get(id) ?? error));
  // The merchant travels beside the event (which carries no merchant field) so consumers need no lookup.
  // Each message carries its event's trace as AWSTraceHeader, which Lambda continues on AWS.
  const outgoing = events.map(({ event, merchantId, traceHeader }) => ({ eventIds: [event.id], body: JSON.stringify(event), attributes: attributesOf(event, merchantId), traceHeader }));
  const traceHeaders = new Map(events.flatMap(({ event, traceHeader }) => (traceHeader ? [[event.id, traceHeader] as const] : [])));
  const booked = new Set(events.filter(({ event }) => event.type === bookedPayoutEventType).map(({ event }) => event.id));
  const captured = events.filter(({ event }) => event.type === 'payment.processing').map(({ event }) => event);
  const reports = new Set(events.filter(({ event }) => event.type === reportJobEventType).map(({ event }) => event.id));
  await Promise.all([
    sendInBatches(deps.sqs, deps.reportsQueueUrl, outgoing.filter((m) => reports.has(m.eventIds[0]!)), fail),
    sendInBatches(deps.sqs, deps.notifyQueueUrl, outgoing, fail),
    sendInBatches(deps.sqs, deps.flowTotalsQueueUrl, outgoing.filter((m) => booked.has(m.eventIds[0]!)), fail),
    sendInBatches(deps.sqs, deps.chainSubmitQueueUrl, submitMessages(captured, traceHeaders).map((m) => ({ ...m, attributes: {} })), fail),
  ]);
  return Promise.all(events.map(async ({ event }): Promise<RelayResult> => {
    const failed = failures.get(event.id);
    if (failed !== undefined) return { eventId: event.id, error: failed };
    try {
      await markRelayed(deps, event.id);
    } catch (error) {
      return { eventId: event.id, error };
    }
    const targets = ['notify', ...(booked.has(event.id) ? ['flow-totals'] : []), ...(event.type === 'payment.processing' ? ['chain-submit'] : []), ...(reports.has(event.id) ? ['reports'] : [])];
    return { eventId: event.id, type: event.type, targets };
  }));
}

interface Outgoing {
  eventIds: string[];
  body: string;
  attributes: Record<string, MessageAttributeValue>;
  groupId?: string;
  deduplicationId?: string;
  traceHeader?: string | undefined;
}

function attributesOf(event: LanepayEvent, merchantId: string): Record<string, MessageAttributeValue> {
  return {
    eventId: { DataType: 'String', StringValue: event.id },
    eventType: { DataType: 'String', StringValue: event.type },
    merchantId: { DataType: 'String', StringValue: merchantId },
  };
}

/** SendMessageBatch, ten at a time (a FIFO queue keeps their order within a group); a refused entry fails the events it carries. */
async function sendInBatches(sqs: SQSClient, queueUrl: string, messages: Outgoing[], fail: (eventIds: string[], error: unknown) => void): Promise<void> {
  const chunks: Outgoing[][] = [];
  for (let start = 0; start < messages.length; start += 10) chunks.push(messages.slice(start, start + 10));
  await Promise.all(chunks.map(async (chunk) => {
    const entries: SendMessageBatchRequestEntry[] = chunk.map((m, i) => ({
      Id: String(i),
      MessageBody: m.body,
      ...(Object.keys(m.attributes).length > 0 ? { MessageAttributes: m.attributes } : {}),
      ...(m.groupId ? { MessageGroupId: m.groupId, MessageDeduplicationId: m.deduplicationId } : {}),
      ...traceMessageAttributes(m.traceHeader),
    }));
    try {
      const { Failed = [] } = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      for (const failed of Failed) fail(chunk[Number(failed.Id)]!.eventIds, new Error(`${queueUrl} refused a message: ${failed.Code} ${failed.Message ?? ''}`));
    } catch (error) {
      fail(chunk.flatMap((m) => m.eventIds), error);
    }
  }));
}

/** Removes the event from the unrelayed index (a MODIFY, which the relay's stream filter ignores). */
async function markRelayed(deps: Pick<RelayDeps, 'dynamodb' | 'tableName'>, eventId: string): Promise<void> {
  try {
    await deps.dynamodb.send(new UpdateItemCommand({
      TableName: deps.tableName,
      Key: eventKey(eventId),
      UpdateExpression: 'REMOVE gsi2pk, gsi2sk',
      ConditionExpression: 'attribute_exists(pk)',
    }));
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error; // expired (TTL) meanwhile: nothing to mark
  }
}
