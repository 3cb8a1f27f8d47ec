import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { PayoutDeps } from './deps.js';

/** Asks for another look at a payout later: a delayed message, never a sleeping Lambda. */
export async function scheduleCheck(deps: PayoutDeps, paymentId: string, delaySeconds = deps.checkDelaySeconds): Promise<void> {
  await deps.sqs.send(
    new SendMessageCommand({
      QueueUrl: deps.checkQueueUrl,
      MessageBody: JSON.stringify({ paymentId }),
      DelaySeconds: Math.min(Math.max(delaySeconds, 0), 900),
    }),
  );
}
