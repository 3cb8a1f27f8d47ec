import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { LanepayEvent } from '../events/schemas.js';
import { bookedPayoutEventType } from '../forecast-job/flow-totals.js';

export interface RelayDeps {
  sqs: SQSClient;
  notifyQueueUrl: string;
  chainSubmitQueueUrl: string;
  flowTotalsQueueUrl: string;
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
