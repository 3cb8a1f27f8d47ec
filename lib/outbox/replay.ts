import { GetItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetRecordsCommand, GetShardIteratorCommand, ResourceNotFoundException, TrimmedDataAccessException, type DynamoDBStreamsClient, type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { DeleteMessageCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from 'zod';
import type { AlertsDeps } from './alerts.js';
import { StreamRangeGoneError } from './errors.js';
import { outboxEntities, outboxItemSchema } from './items.js';
import { relayOutboxItem, type RelayDeps } from './relay.js';

/**
 * The message a DynamoDB stream event source sends its on-failure destination once a batch has
 * failed every retry (or grown too old): where the records are, not the records themselves.
 * The local poller (patches/serverless-offline-dynamodb-streams+*.patch) sends the same shape.
 */
export const streamFailureSchema = z.looseObject({
  requestContext: z.looseObject({ condition: z.string().optional(), approximateInvokeCount: z.number().optional() }).optional(),
  DDBStreamBatchInfo: z.looseObject({
    shardId: z.string().min(1),
    startSequenceNumber: z.string().regex(/^\d+$/),
    endSequenceNumber: z.string().regex(/^\d+$/),
    batchSize: z.number().int().positive(),
    streamArn: z.string().startsWith('arn:'),
  }),
});
export type StreamBatchInfo = z.infer<typeof streamFailureSchema>['DDBStreamBatchInfo'];

export interface ReplayDeps extends RelayDeps, AlertsDeps {
  sqs: SQSClient;
  streams: DynamoDBStreamsClient;
  dynamodb: DynamoDBClient;
  tableName: string;
  /** The stream event source's on-failure queue (infra/outbox.yml). */
  failureQueueUrl: string;
}

export interface ReplayedMessage {
  messageId: string;
  batch?: StreamBatchInfo;
  /** Outbox events relayed again, in stream order. */
  relayed: { eventId: string; type: string; targets: string[] }[];
  /** Records in the range that are not outbox inserts (the relay's filter skips them too). */
  skipped: number;
  /** Why the message was kept, when it was. */
  kept?: string;
}

const emptyPagesBeforeGivingUp = 5;

/** Reads the records of one shard from `start` to `end` (inclusive) back from the stream. */
export async function readStreamRange(streams: DynamoDBStreamsClient, batch: StreamBatchInfo): Promise<StreamRecord[]> {
  const end = BigInt(batch.endSequenceNumber);
  const records: StreamRecord[] = [];
  let iterator: string | undefined;
  try {
    ({ ShardIterator: iterator } = await streams.send(new GetShardIteratorCommand({
      StreamArn: batch.streamArn, ShardId: batch.shardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber: batch.startSequenceNumber,
    })));
  } catch (error) {
    if (error instanceof TrimmedDataAccessException || error instanceof ResourceNotFoundException) throw new StreamRangeGoneError(batch, { cause: error });
    throw error;
  }
  // An open shard can answer an empty page before later records; a closed one ends its iterators.
  for (let empty = 0; iterator !== undefined && empty < emptyPagesBeforeGivingUp;) {
    const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
    const pageRecords = page.Records ?? [];
    empty = pageRecords.length === 0 ? empty + 1 : 0;
    for (const record of pageRecords) {
      if (BigInt(record.dynamodb?.SequenceNumber ?? '0') > end) return records;
      records.push(record);
      if (BigInt(record.dynamodb!.SequenceNumber!) === end) return records;
    }
    iterator = page.NextShardIterator;
  }
  throw new StreamRangeGoneError(batch);
}

/**
 * The outbox item a stream record inserted, as the table holds it now (falling back to the
 * record's own image once TTL removed it): reading the table lets an operator repair an item
 * that could never be relayed, then replay it. Undefined for records the relay does not take.
 */
async function outboxItemOf(deps: Pick<ReplayDeps, 'dynamodb' | 'tableName'>, record: StreamRecord) {
  const image = record.dynamodb?.NewImage as Record<string, AttributeValue> | undefined;
  const entity = image?.entity?.S;
  if (record.eventName !== 'INSERT' || image === undefined || !(outboxEntities as readonly string[]).includes(entity ?? '')) return undefined;
  const keys = record.dynamodb!.Keys as Record<string, AttributeValue>;
  const { Item } = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: keys, ConsistentRead: true }));
  return outboxItemSchema.parse(unmarshall(Item ?? image));
}

/**
 * Re-drives one on-failure message: reads its records back from the stream, relays every outbox
 * item among them (consumers and alert subscribers dedupe by event id, so relaying twice is
 * harmless) and deletes the message. Any failure keeps the message for a later run.
 */
export async function replayMessage(deps: ReplayDeps, message: Message): Promise<ReplayedMessage> {
  const result: ReplayedMessage = { messageId: message.MessageId ?? '?', relayed: [], skipped: 0 };
  try {
    const failure = streamFailureSchema.parse(JSON.parse(message.Body ?? ''));
    result.batch = failure.DDBStreamBatchInfo;
    for (const record of await readStreamRange(deps.streams, failure.DDBStreamBatchInfo)) {
      const item = await outboxItemOf(deps, record);
      if (item === undefined) result.skipped += 1;
      else result.relayed.push(await relayOutboxItem(deps, item));
    }
  } catch (error) {
    result.kept = error instanceof z.ZodError ? `not an outbox item or stream failure message: ${z.prettifyError(error)}` : (error as Error).message;
    return result;
  }
  await deps.sqs.send(new DeleteMessageCommand({ QueueUrl: deps.failureQueueUrl, ReceiptHandle: message.ReceiptHandle }));
  return result;
}

/**
 * Replays every message in the on-failure queue once (a message kept in this run stays hidden for
 * `visibilityTimeoutSeconds`, so the run ends). `limit` caps the messages taken.
 */
export async function replayFailures(deps: ReplayDeps, { limit = Infinity, visibilityTimeoutSeconds = 300 } = {}): Promise<ReplayedMessage[]> {
  const results: ReplayedMessage[] = [];
  while (results.length < limit) {
    const { Messages = [] } = await deps.sqs.send(new ReceiveMessageCommand({
      QueueUrl: deps.failureQueueUrl, MaxNumberOfMessages: Math.min(10, limit - results.length), VisibilityTimeout: visibilityTimeoutSeconds, WaitTimeSeconds: 1,
    }));
    if (Messages.length === 0) return results;
    for (const message of Messages) results.push(await replayMessage(deps, message));
  }
  return results;
}
