import { SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { traceHeaderFor, traceMessageAttributes } from '#platform';
import type { PayoutDeps } from './deps.js';

const clampDelay = (seconds: number) => Math.min(Math.max(seconds, 0), 900);

/** Asks for another look at a payout later: a delayed message, never a sleeping Lambda. */
export async function scheduleCheck(deps: PayoutDeps, paymentId: string, delaySeconds = deps.checkDelaySeconds): Promise<void> {
  await deps.sqs.send(
    new SendMessageCommand({
      QueueUrl: deps.checkQueueUrl,
      MessageBody: JSON.stringify({ paymentId }),
      DelaySeconds: clampDelay(delaySeconds),
      ...traceMessageAttributes(traceHeaderFor(paymentId)),
    }),
  );
}

/** scheduleCheck for many payouts: SendMessageBatch, ten to a call. Throws if the queue refused any. */
export async function scheduleChecks(deps: PayoutDeps, paymentIds: string[], delaySeconds = deps.checkDelaySeconds): Promise<void> {
  const unique = [...new Set(paymentIds)];
  for (let start = 0; start < unique.length; start += 10) {
    const ids = unique.slice(start, start + 10);
    const { Failed = [] } = await deps.sqs.send(new SendMessageBatchCommand({
      QueueUrl: deps.checkQueueUrl,
      // Each check carries its payment's trace (the caller's trace scope), which Lambda continues on AWS.
      Entries: ids.map((paymentId, i) => ({ Id: String(i), MessageBody: JSON.stringify({ paymentId }), DelaySeconds: clampDelay(delaySeconds), ...traceMessageAttributes(traceHeaderFor(paymentId)) })),
    }));
    if (Failed.length > 0) throw new Error(`the check queue refused ${Failed.length} of ${ids.length} messages: ${Failed.map((f) => f.Code).join(', ')}`);
  }
}
