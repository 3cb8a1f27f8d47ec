import { PutItemCommand, TransactWriteItemsCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { SNSClient, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformEventItem } from '#lib/money/payouts/platform-events.js';
import { cliAgainstTestStack } from '../support/cli.js';
import { clients } from '../support/deps.js';
import { localCredentials, stack } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

/**
 * "Nothing lost silently": platform events reach the operators' alerts topic (SNS on moto), and an
 * outbox record the relay fails on every retry goes to the stream's on-failure queue, from which
 * `lanepay outbox replay` relays it once it can be.
 */

// A queue of this file's own on moto, subscribed to the alerts topic as an operator's tool would be.
const moto = () => ({ region: stack().region, credentials: localCredentials, endpoint: stack().endpoints.sns });
let motoSqs: SQSClient;
let probeQueueUrl: string;
let subscriptionArn: string;

beforeAll(async () => {
  motoSqs = new SQSClient(moto());
  const sns = new SNSClient(moto());
  ({ QueueUrl: probeQueueUrl } = (await motoSqs.send(new CreateQueueCommand({ QueueName: `alerts-probe-${randomUUID()}` }))) as { QueueUrl: string });
  const { Attributes } = await motoSqs.send(new GetQueueAttributesCommand({ QueueUrl: probeQueueUrl, AttributeNames: ['QueueArn'] }));
  ({ SubscriptionArn: subscriptionArn } = (await sns.send(new SubscribeCommand({
    TopicArn: stack().topics.AlertsTopic!.arn, Protocol: 'sqs', Endpoint: Attributes!.QueueArn, Attributes: { RawMessageDelivery: 'true' },
  }))) as { SubscriptionArn: string });
  sns.destroy();
});

// Unsubscribed first: moto, unlike SNS, fails every Publish to a topic with a subscription whose
// queue is gone, which would stop all platform events for the rest of the run.
afterAll(async () => {
  const sns = new SNSClient(moto());
  await sns.send(new UnsubscribeCommand({ SubscriptionArn: subscriptionArn }));
  sns.destroy();
  await motoSqs.send(new DeleteQueueCommand({ QueueUrl: probeQueueUrl }));
  motoSqs.destroy();
});

const received: unknown[] = [];
/** Waits for the alert carrying `eventId` (messages for other events are kept aside, not lost). */
function alertFor(eventId: string, timeoutMs: number) {
  return waitFor(`the alert for ${eventId} on the topic`, async () => {
    const { Messages = [] } = await motoSqs.send(new ReceiveMessageCommand({ QueueUrl: probeQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    received.push(...Messages.map((m) => JSON.parse(m.Body!)));
    return received.find((event) => (event as { id: string }).id === eventId);
  }, { timeoutMs, intervalMs: 100 });
}

function liquidityLow(now = new Date()) {
  const item = platformEventItem(stack().tableName, 'liquidity.low', {
    chain: 'local-a', wallet: '0x000000000000000000000000000000000000dEaD', asset: 'USDC', neededMinor: '5000000', balanceMinor: '0', gasWei: '0',
  }, now);
  const put = item.Put!;
  return { put, event: JSON.parse(put.Item!.body!.S!) as { id: string; type: string } };
}

describe('platform events', () => {
  it('a liquidity.low written to the outbox is published to the alerts topic, its JSON and attributes intact', async () => {
    const { put, event } = liquidityLow();
    await clients().dynamodb.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: put }] }));

    const alert = await alertFor(event.id, 60_000);

    expect(alert).toEqual(event);
  });
});

describe('the outbox stream trigger with a record it cannot relay', () => {
  it('retries it, sends its range to the on-failure queue, and `lanepay outbox replay` relays it once repaired and deletes the message', async () => {
    const { sqs, dynamodb } = clients();
    const failureQueueUrl = stack().queues.OutboxRelayFailureQueue!.url;
    const { put, event } = liquidityLow();
    const poisoned: Record<string, AttributeValue> = { ...put.Item!, body: { S: JSON.stringify({ id: event.id, broken: true }) } };
    await dynamodb.send(new PutItemCommand({ TableName: put.TableName, Item: poisoned, ConditionExpression: 'attribute_not_exists(pk)' }));

    // Peeked with no visibility timeout: the message stays for the replay.
    const failure = await waitFor('the on-failure message', async () => {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: failureQueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
      return Messages.map((m) => JSON.parse(m.Body!)).find((body) => body.requestContext?.functionArn?.endsWith(':outbox-relay'));
    }, { timeoutMs: 120_000, intervalMs: 500 });
    expect(failure.requestContext.condition).toBe('RetryAttemptsExhausted');
    expect(failure.requestContext.approximateInvokeCount).toBe(11);
    expect(failure.DDBStreamBatchInfo).toMatchObject({ streamArn: expect.stringContaining(`table/${stack().tableName}/stream/`), startSequenceNumber: expect.stringMatching(/^\d+$/) });

    // The operator fixes what made it fail (here: the item itself), then replays.
    await dynamodb.send(new PutItemCommand({ TableName: put.TableName, Item: put.Item! }));
    const cli = cliAgainstTestStack();
    try {
      const run = await cli.run(['outbox', 'replay', '--json']);
      expect(run.code, run.stderr).toBe(0);
      const results = JSON.parse(run.stdout) as { relayed: { eventId: string; targets: string[] }[]; kept?: string }[];
      expect(results.flatMap((r) => r.relayed)).toContainEqual({ eventId: event.id, type: 'liquidity.low', targets: ['alerts'] });
    } finally {
      cli.cleanup();
    }

    expect(await alertFor(event.id, 30_000)).toEqual(event);
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: failureQueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
    expect(Messages.map((m) => JSON.parse(m.Body!).DDBStreamBatchInfo)).not.toContainEqual(failure.DDBStreamBatchInfo);
  }, 180_000);
});
