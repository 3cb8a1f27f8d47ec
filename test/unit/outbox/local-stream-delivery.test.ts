import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// The patched local stream poller (patches/serverless-offline-dynamodb-streams+*.patch): what it
// does with a batch the function fails, as an event source mapping would.
const require = createRequire(import.meta.url);
const { StreamDelivery } = require('serverless-offline-dynamodb-streams/src/stream-delivery.js') as {
  StreamDelivery: new (options: Record<string, unknown>) => { deliver(records: unknown[]): Promise<void> };
};

const streamArn = 'arn:aws:dynamodb:us-east-1:000000000000:table/lanepay-local/stream/2026-11-26T00:00:00.000';
const onFailureQueue = { OutboxRelayFailureQueue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'lanepay-local-outbox-relay-failures' } } };

function records(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    eventName: 'INSERT',
    dynamodb: { SequenceNumber: String(1000 + i), ApproximateCreationDateTime: Math.floor(Date.now() / 1000) },
  }));
}

const seq = (batch: { dynamodb: { SequenceNumber: string } }[]) => batch.map((r) => r.dynamodb.SequenceNumber);

/** A delivery whose function answers with `respond(batch)`, recording each batch and every SQS command. */
function delivery(respond: (batch: ReturnType<typeof records>) => unknown, definition: Record<string, unknown>) {
  const invocations: string[][] = [];
  const sent: { name: string; input: Record<string, unknown> }[] = [];
  const sqs = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      sent.push({ name: command.constructor.name, input: command.input });
      return command.constructor.name === 'GetQueueUrlCommand' ? { QueueUrl: 'http://sqs/000000000000/lanepay-local-outbox-relay-failures' } : {};
    },
  };
  const subject = new StreamDelivery({
    invoke: async (batch: ReturnType<typeof records>) => {
      invocations.push(seq(batch));
      return respond(batch);
    },
    definition: { maximumRetryAttempts: 2, destinations: { onFailure: { arn: { 'Fn::GetAtt': ['OutboxRelayFailureQueue', 'Arn'] }, type: 'sqs' } }, ...definition },
    streamArn,
    shardId: 'shardId-1',
    functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:outbox-relay',
    ctx: { region: 'us-east-1', accountId: '000000000000', resources: onFailureQueue },
    makeSqsClient: () => sqs,
    log: { warning: () => {} },
  });
  const failureMessages = () => sent.filter((c) => c.name === 'SendMessageCommand').map((c) => JSON.parse(c.input.MessageBody as string));
  return { subject, invocations, failureMessages };
}

describe('the local stream poller with a failing batch', () => {
  it('retries from the first reported failure, then sends the shard and sequence range to the on-failure queue', async () => {
    const { subject, invocations, failureMessages } = delivery(() => ({ batchItemFailures: [{ itemIdentifier: '1002' }] }), {});

    await subject.deliver(records(4));

    // One attempt and maximumRetryAttempts (2) retries, the retries from the failed record on.
    expect(invocations).toEqual([['1000', '1001', '1002', '1003'], ['1002', '1003'], ['1002', '1003']]);
    const [message, ...others] = failureMessages();
    expect(others).toEqual([]);
    expect(message.requestContext).toMatchObject({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 });
    expect(message.DDBStreamBatchInfo).toMatchObject({ shardId: 'shardId-1', startSequenceNumber: '1002', endSequenceNumber: '1003', batchSize: 2, streamArn });
  });

  it('bisects a batch whose invocation throws until the failing record is alone, and sends only that one', async () => {
    const { subject, invocations, failureMessages } = delivery((batch) => {
      if (seq(batch).includes('1001')) throw new Error('poison');
      return { batchItemFailures: [] };
    }, { bisectBatchOnFunctionError: true, maximumRetryAttempts: 1 });

    await subject.deliver(records(4));

    expect(invocations).toEqual([['1000', '1001', '1002', '1003'], ['1000', '1001'], ['1000'], ['1001'], ['1001'], ['1002', '1003']]);
    expect(failureMessages().map((m) => [m.DDBStreamBatchInfo.startSequenceNumber, m.DDBStreamBatchInfo.endSequenceNumber])).toEqual([['1001', '1001']]);
  });

  it('gives up on records older than maximumRecordAgeInSeconds without using up the retries', async () => {
    const { subject, invocations, failureMessages } = delivery(() => {
      throw new Error('down');
    }, { maximumRetryAttempts: -1, maximumRecordAgeInSeconds: 60 });
    const old = records(1).map((r) => ({ ...r, dynamodb: { ...r.dynamodb, ApproximateCreationDateTime: Math.floor(Date.now() / 1000) - 120 } }));

    await subject.deliver(old);

    expect(invocations).toHaveLength(1);
    expect(failureMessages()[0].requestContext.condition).toBe('RecordAgeExceeded');
  });

  it('sends nothing for a batch that succeeds', async () => {
    const { subject, invocations, failureMessages } = delivery(() => ({ batchItemFailures: [] }), {});
    await subject.deliver(records(3));
    expect(invocations).toHaveLength(1);
    expect(failureMessages()).toEqual([]);
  });
});
