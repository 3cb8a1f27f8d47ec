import { randomUUID } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { expect } from 'vitest';
import { outboxEntities } from '#lib/notify/outbox/items.js';
import { invokeHandler, judge } from '../../scripts/invoke/invoke.js';
import { clients } from './deps.js';
import { localCredentials, stack } from './stack.js';

/**
 * Plays, for a table of a test's own (created with a stream: isolatedTable({ stream: true })), the two
 * event source mappings that carry treasury work: the table's stream to the outbox-relay function
 * (only the records its filter passes, functions/payments.yml: inserted outbox items), and the
 * treasury queue to the treasury function. Both functions run from their bundles in this process with
 * the environment given; the queues and the alerts topic are the test's own, so nothing reaches the
 * stack's consumers. What Lambda would do between them (poll, batch, delete what was accepted) is all
 * this does: the routing is the relay's, the messages are the queue's.
 */
export async function outboxMapping(tableName: string, environment: (functionName: string) => NodeJS.ProcessEnv) {
  const { sqs, dynamodb } = clients();
  const info = stack();
  const common = { region: info.region, credentials: localCredentials, maxAttempts: 8 };
  const streams = new DynamoDBStreamsClient({ ...common, endpoint: info.endpoints.dynamodb });
  const sns = new SNSClient({ ...common, endpoint: info.endpoints.sns });
  const suffix = randomUUID().slice(0, 8);
  const queue = async (name: string, fifo = false) => (await sqs.send(new CreateQueueCommand({
    QueueName: `lanepay-test-${name}-${suffix}${fifo ? '.fifo' : ''}`,
    Attributes: { VisibilityTimeout: '60', ...(fifo ? { FifoQueue: 'true', ContentBasedDeduplication: 'false' } : {}) },
  }))).QueueUrl!;
  const treasuryQueueUrl = await queue('treasury');
  const relayEnv = {
    ...environment('outbox-relay'), TABLE_NAME: tableName, TREASURY_QUEUE_URL: treasuryQueueUrl,
    NOTIFY_QUEUE_URL: await queue('notify'), CHAIN_SUBMIT_QUEUE_URL: await queue('chain-submit', true),
    FLOW_TOTALS_QUEUE_URL: await queue('flow-totals'), REPORTS_QUEUE_URL: await queue('reports'),
    ALERTS_TOPIC_ARN: (await sns.send(new CreateTopicCommand({ Name: `lanepay-test-alerts-${suffix}` }))).TopicArn!,
  };
  const streamArn = (await dynamodb.send(new DescribeTableCommand({ TableName: tableName }))).Table!.LatestStreamArn;
  if (!streamArn) throw new Error(`${tableName} has no stream: create it with isolatedTable({ stream: true })`);
  /** Where each shard was left: the next read starts there, as a mapping's checkpoint does. */
  const iterators = new Map<string, string | undefined>();

  async function newRecords(): Promise<StreamRecord[]> {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    const records: StreamRecord[] = [];
    for (const shard of StreamDescription?.Shards ?? []) {
      let iterator = iterators.has(shard.ShardId!) ? iterators.get(shard.ShardId!) : (await streams.send(new GetShardIteratorCommand({
        StreamArn: streamArn, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON',
      }))).ShardIterator;
      while (iterator) {
        const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }));
        records.push(...(page.Records ?? []));
        iterators.set(shard.ShardId!, page.NextShardIterator);
        if ((page.Records ?? []).length === 0) break;
        iterator = page.NextShardIterator;
      }
    }
    return records;
  }

  return {
    treasuryQueueUrl,
    /** Relays every outbox item written since the last call (its stream records in batches of 100, the mapping's batch size). */
    async relay(): Promise<number> {
      const records = (await newRecords()).filter(passesFilter);
      for (let start = 0; start < records.length; start += 100) {
        const batch = records.slice(start, start + 100).map((record) => lambdaStreamRecord(record, streamArn));
        const result = await invokeHandler('outbox-relay', { Records: batch }, relayEnv, 'bundle');
        expect(judge(result)).toEqual({ accepted: true });
      }
      return records.length;
    },
    /** Hands the treasury function what its queue holds now, ten at a time, deleting what it accepted. Returns the event types handed. */
    async deliverTreasuryWork(): Promise<string[]> {
      const handed: string[] = [];
      for (;;) {
        const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({
          QueueUrl: treasuryQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'],
        }));
        if (Messages.length === 0) return handed;
        const result = await invokeHandler('treasury', { Records: Messages.map((message) => lambdaSqsRecord(message, treasuryQueueUrl, info.region)) }, { ...environment('treasury'), TABLE_NAME: tableName }, 'bundle');
        expect(judge(result)).toEqual({ accepted: true });
        await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: treasuryQueueUrl, Entries: Messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })) }));
        handed.push(...Messages.map((message) => message.MessageAttributes?.eventType?.StringValue ?? '?'));
      }
    },
  };
}

/** The relay's filter pattern: `{ eventName: [INSERT], dynamodb: { NewImage: { entity: { S: [event, platform-event] } } } }`. */
function passesFilter(record: StreamRecord): boolean {
  const entity = (record.dynamodb?.NewImage as Record<string, AttributeValue> | undefined)?.entity?.S;
  return record.eventName === 'INSERT' && (outboxEntities as readonly string[]).includes(entity ?? '');
}

/** A stream record as Lambda hands it over: the creation time in whole seconds, the source's ARN beside it. */
function lambdaStreamRecord(record: StreamRecord, streamArn: string) {
  const change = record.dynamodb!;
  return {
    eventID: record.eventID, eventName: record.eventName, eventVersion: record.eventVersion, eventSource: 'aws:dynamodb', awsRegion: record.awsRegion, eventSourceARN: streamArn,
    dynamodb: {
      ...change,
      ApproximateCreationDateTime: change.ApproximateCreationDateTime ? Math.floor(new Date(change.ApproximateCreationDateTime).getTime() / 1000) : undefined,
    },
  };
}

/** An SQS message as Lambda's SQS event source hands it over. */
function lambdaSqsRecord(message: Message, queueUrl: string, region: string) {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId!, receiptHandle: message.ReceiptHandle!, body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1', SentTimestamp: attributes.SentTimestamp ?? '0',
      SenderId: attributes.SenderId ?? 'unknown', ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? '0',
    },
    messageAttributes: Object.fromEntries(Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, {
      stringValue: value.StringValue, stringListValues: [], binaryListValues: [], dataType: value.DataType ?? 'String',
    }])),
    md5OfBody: message.MD5OfBody ?? '', eventSource: 'aws:sqs', eventSourceARN: `arn:aws:sqs:${region}:000000000000:${queueUrl.split('/').at(-1)}`, awsRegion: region,
  };
}
