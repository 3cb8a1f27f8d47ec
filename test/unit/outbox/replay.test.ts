import { ResourceNotFoundException, TrimmedDataAccessException } from '@aws-sdk/client-dynamodb-streams';
import type { Message } from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { relayOutboxItem } from '#lib/notify/outbox/relay.js';
import { replayMessage, type ReplayDeps } from '#lib/notify/outbox/replay.js';

type Sent = { name: string; input: any };

/** A client whose `send` records each command and answers from `answer` (by command name). */
function fakeClient(sent: Sent[], answer: (name: string, input: any) => unknown = () => ({})) {
  return {
    send: async (command: { constructor: { name: string }; input: unknown }) => {
      sent.push({ name: command.constructor.name, input: command.input });
      return answer(command.constructor.name, command.input);
    },
  } as any;
}

const platformEvent = { id: 'evt_01jbzz0000000000000000000a', object: 'event', type: 'liquidity.low', created_at: '2026-11-26T16:00:00.000Z', data: { object: { chain: 'local-a', asset: 'USDC', neededMinor: '5000000' } } };
const platformItem = { pk: `EVENT#${platformEvent.id}`, sk: 'EVENT', entity: 'platform-event', type: 'liquidity.low', body: JSON.stringify(platformEvent) };

function streamRecord(sequence: string, item: Record<string, unknown>, eventName = 'INSERT') {
  return { eventName, dynamodb: { SequenceNumber: sequence, Keys: marshall({ pk: item.pk, sk: item.sk }), NewImage: marshall(item) } };
}

const batch = { shardId: 'shardId-1', startSequenceNumber: '101', endSequenceNumber: '103', batchSize: 3, streamArn: 'arn:aws:dynamodb:us-east-1:1:table/t/stream/x' };
const message = (body: unknown): Message => ({ MessageId: 'm-1', ReceiptHandle: 'rh-1', Body: JSON.stringify(body) });

function deps(stream: ReturnType<typeof streamRecord>[], tableItems: Record<string, Record<string, unknown>> = {}) {
  const sent: Sent[] = [];
  const replayDeps: ReplayDeps = {
    sqs: fakeClient(sent),
    sns: fakeClient(sent),
    dynamodb: fakeClient(sent, (_, input) => {
      const item = tableItems[input.Key.pk.S];
      return { Item: item ? marshall(item) : undefined };
    }),
    // One page per GetRecords, the shard ending after the last.
    streams: fakeClient(sent, (name, input) => {
      if (name === 'GetShardIteratorCommand') return { ShardIterator: `at:${input.SequenceNumber}` };
      const from = stream.findIndex((r) => r.dynamodb.SequenceNumber === input.ShardIterator.slice(3));
      const next = stream[from + 1];
      return { Records: [stream[from]], NextShardIterator: next ? `at:${next.dynamodb.SequenceNumber}` : undefined };
    }),
    tableName: 't',
    failureQueueUrl: 'http://sqs/failures',
    notifyQueueUrl: 'http://sqs/notify',
    chainSubmitQueueUrl: 'http://sqs/chain-submit.fifo',
    flowTotalsQueueUrl: 'http://sqs/flow-totals',
    reportsQueueUrl: 'http://sqs/reports',
    alertsTopicArn: 'arn:aws:sns:us-east-1:1:lanepay-local-alerts',
    treasuryQueueUrl: 'http://sqs/treasury',
  };
  return { replayDeps, sent };
}

describe('outbox relay of a platform event', () => {
  it('publishes it to the alerts topic with its id and type as attributes, JSON for machines and lines for e-mail', async () => {
    const { replayDeps, sent } = deps([]);
    const relayed = await relayOutboxItem(replayDeps, { ...platformItem, body: platformEvent } as any);

    expect(relayed).toEqual({ eventId: platformEvent.id, type: 'liquidity.low', targets: ['alerts'] });
    const [publish] = sent;
    expect(publish!.name).toBe('PublishCommand');
    expect(publish!.input).toMatchObject({
      TopicArn: replayDeps.alertsTopicArn,
      Subject: 'Lanepay liquidity.low on local-a USDC',
      MessageStructure: 'json',
      MessageAttributes: { eventId: { DataType: 'String', StringValue: platformEvent.id }, eventType: { DataType: 'String', StringValue: 'liquidity.low' } },
    });
    const structure = JSON.parse(publish!.input.Message);
    expect(JSON.parse(structure.default)).toEqual(platformEvent);
    expect(structure.email).toContain('neededMinor: 5000000');
  });
});

describe('outbox replay of an on-failure message', () => {
  it('reads the range back from the stream, relays the outbox inserts in it as the table holds them, and deletes the message', async () => {
    const other = { pk: 'PAYMENT#pay_1', sk: 'PAYMENT', entity: 'payment' };
    const stream = [streamRecord('101', platformItem), streamRecord('102', other), streamRecord('103', { ...platformItem, body: 'repaired below' }), streamRecord('104', platformItem)];
    const { replayDeps, sent } = deps(stream, { [platformItem.pk]: platformItem });

    const result = await replayMessage(replayDeps, message({ requestContext: { condition: 'RetryAttemptsExhausted' }, DDBStreamBatchInfo: batch }));

    expect(result.kept).toBeUndefined();
    expect(result.relayed.map((r) => r.eventId)).toEqual([platformEvent.id, platformEvent.id]);
    expect(result.skipped).toBe(1);
    // Nothing past the range's end (104) is read or relayed.
    expect(sent.filter((c) => c.name === 'PublishCommand')).toHaveLength(2);
    expect(sent.filter((c) => c.name === 'GetRecordsCommand')).toHaveLength(3);
    expect(sent.at(-1)).toEqual({ name: 'DeleteMessageCommand', input: { QueueUrl: 'http://sqs/failures', ReceiptHandle: 'rh-1' } });
  });

  it('keeps the message when the stream no longer holds the whole range', async () => {
    const { replayDeps, sent } = deps([streamRecord('101', platformItem)], { [platformItem.pk]: platformItem });

    const result = await replayMessage(replayDeps, message({ DDBStreamBatchInfo: batch }));

    expect(result.kept).toMatch(/no longer holds records 101\.\.103/);
    expect(sent.some((c) => c.name === 'DeleteMessageCommand')).toBe(false);
  });

  it.each([
    ['trimmed the range (TrimmedDataAccessException)', () => new TrimmedDataAccessException({ message: 'trimmed', $metadata: {} })],
    ['was deleted (ResourceNotFoundException)', () => new ResourceNotFoundException({ message: 'no stream', $metadata: {} })],
  ])('keeps the message, saying the range is gone, when the stream %s', async (_, refusal) => {
    const { replayDeps, sent } = deps([]);
    replayDeps.streams = fakeClient(sent, () => {
      throw refusal();
    });

    const result = await replayMessage(replayDeps, message({ DDBStreamBatchInfo: batch }));

    expect(result.kept).toBe('The stream no longer holds records 101..103 of shard shardId-1.');
    expect(sent.map((c) => c.name)).toEqual(['GetShardIteratorCommand']);
  });

  it('keeps the message when an outbox item in the range still cannot be relayed', async () => {
    const broken = { ...platformItem, body: '{"not":"an event"}' };
    const { replayDeps, sent } = deps([streamRecord('101', broken), streamRecord('102', broken), streamRecord('103', broken)], { [platformItem.pk]: broken });

    const result = await replayMessage(replayDeps, message({ DDBStreamBatchInfo: batch }));

    expect(result.kept).toMatch(/not an outbox item/);
    expect(sent.some((c) => c.name === 'PublishCommand' || c.name === 'DeleteMessageCommand')).toBe(false);
  });

  it('keeps a message that is not a stream failure record', async () => {
    const { replayDeps, sent } = deps([]);
    const result = await replayMessage(replayDeps, message({ requestPayload: {} }));
    expect(result.kept).toMatch(/DDBStreamBatchInfo/);
    expect(sent).toEqual([]);
  });
});
