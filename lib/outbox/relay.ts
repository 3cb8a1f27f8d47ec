import { ConditionalCheckFailedException, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { eventKey } from '../events/items.js';
import type { LanepayEvent } from '../events/schemas.js';
import { bookedPayoutEventType } from '../forecast-job/flow-totals.js';
import { publishPlatformEvent, type AlertsDeps } from './alerts.js';
import type { OutboxItem } from './items.js';
import { hotWalletGroup } from '../payouts/items.js';

export interface RelayDeps {
  sqs: SQSClient;
  dynamodb: DynamoDBClient;
  tableName: string;
  notifyQueueUrl: string;
  chainSubmitQueueUrl: string;
  flowTotalsQueueUrl: string;
}

/**
 * Relays one outbox item from the table stream: a merchant event to the queues (relayEvent), a
 * platform event to the operators' alerts topic. The stream handler and `lanepay outbox replay`
 * both come through here, so a replayed record goes exactly where it would have gone.
 */
export async function relayOutboxItem(deps: RelayDeps & AlertsDeps, item: OutboxItem): Promise<{ eventId: string; type: string; targets: string[] }> {
  const event = item.body;
  if (item.entity === 'platform-event') {
    await publishPlatformEvent(deps, item.body);
    return { eventId: event.id, type: event.type, targets: ['alerts'] };
  }
  const { queues } = await relayEvent(deps, item.body, item.merchantId);
  return { eventId: event.id, type: event.type, targets: queues };
}

/**
 * Publishes one outbox event: every event to the notify queue, and captured payments
 * (`payment.processing`) to the chain-submit FIFO queue, in the message group of the chain's hot
 * wallet (hotWalletGroup) so its payouts keep their order, deduplicated by payment id, and booked
 * payouts (`payment.succeeded`) to the flow-totals queue (hourly totals for the forecast job). Consumers dedupe by event id as well,
 * because a stream record can be delivered more than once. Then the event leaves the unrelayed
 * index, so the reconciler (lib/reconcile) only sees events whose relay never finished.
 */
export async function relayEvent(deps: RelayDeps, event: LanepayEvent, merchantId: string): Promise<{ queues: string[] }> {
  const queues = await publish(deps, event, merchantId);
  await markRelayed(deps, event.id);
  return { queues };
}

async function publish(deps: RelayDeps, event: LanepayEvent, merchantId: string): Promise<string[]> {
  // The merchant travels beside the event (which carries no merchant field) so consumers need no lookup.
  const attributes = {
    eventId: { DataType: 'String', StringValue: event.id },
    eventType: { DataType: 'String', StringValue: event.type },
    merchantId: { DataType: 'String', StringValue: merchantId },
  };
  const body = JSON.stringify(event);
  await deps.sqs.send(new SendMessageCommand({ QueueUrl: deps.notifyQueueUrl, MessageBody: body, MessageAttributes: attributes }));
  if (event.type === bookedPayoutEventType) {
    await deps.sqs.send(new SendMessageCommand({ QueueUrl: deps.flowTotalsQueueUrl, MessageBody: body, MessageAttributes: attributes }));
    return ['notify', 'flow-totals'];
  }
  if (event.type !== 'payment.processing') return ['notify'];
  const payment = event.data.object;
  await deps.sqs.send(
    new SendMessageCommand({
      QueueUrl: deps.chainSubmitQueueUrl,
      MessageBody: body,
      MessageAttributes: attributes,
      MessageGroupId: hotWalletGroup(payment.chain),
      MessageDeduplicationId: payment.id,
    }),
  );
  return ['notify', 'chain-submit'];
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
