import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { LanepayEvent } from '../events/schemas.js';
import { bookedPayoutEventType } from '../forecast-job/flow-totals.js';
import { publishPlatformEvent, type AlertsDeps } from './alerts.js';
import type { OutboxItem } from './items.js';

export interface RelayDeps {
  sqs: SQSClient;
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
 * (`payment.processing`) to the chain-submit FIFO queue, grouped per chain so each hot wallet's
 * payouts keep their order, deduplicated by payment id, and booked payouts (`payment.succeeded`) to
 * the flow-totals queue (hourly totals for the forecast job). Consumers dedupe by event id as well,
 * because a stream record can be delivered more than once.
 */
export async function relayEvent(deps: RelayDeps, event: LanepayEvent, merchantId: string): Promise<{ queues: string[] }> {
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
    return { queues: ['notify', 'flow-totals'] };
  }
  if (event.type !== 'payment.processing') return { queues: ['notify'] };
  const payment = event.data.object;
  await deps.sqs.send(
    new SendMessageCommand({
      QueueUrl: deps.chainSubmitQueueUrl,
      MessageBody: body,
      MessageAttributes: attributes,
      MessageGroupId: `chain:${payment.chain}`,
      MessageDeduplicationId: payment.id,
    }),
  );
  return { queues: ['notify', 'chain-submit'] };
}
