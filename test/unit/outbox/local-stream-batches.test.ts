import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/wait.js';

// The patched local stream poller (patches/serverless-offline-dynamodb-streams+*.patch): how the
// records it reads become invocations. An event source mapping filters before it batches, and a
// shard with a backlog gives the function full batches; the plugin used to invoke once per poll
// of BatchSize records, matching or not, so the outbox relay saw a payment's events at a time.
const require = createRequire(import.meta.url);
type Streams = new (lambda: unknown, options: Record<string, unknown>, log: unknown) => Record<string, any>;
const DynamodbStreams = require('serverless-offline-dynamodb-streams/src/dynamodb-streams.js') as Streams;

const streamArn = 'arn:aws:dynamodb:us-east-1:000000000000:table/lanepay-local/stream/2026-12-07T00:00:00.000';
const record = (sequence: number, eventName = 'INSERT') => ({
  eventName,
  dynamodb: { SequenceNumber: String(sequence), Keys: { pk: { S: `K#${sequence}` } }, ApproximateCreationDateTime: new Date() },
});
const seq = (records: { dynamodb: { SequenceNumber: string } }[]) => records.map((r) => r.dynamodb.SequenceNumber);

let checkpointDir: string | undefined;
afterEach(() => {
  if (checkpointDir) fs.rmSync(checkpointDir, { recursive: true, force: true });
});

/**
 * The plugin on a fake shard that yields `polls` one GetRecords call after another, then nothing;
 * its function records each invocation's sequence numbers and answers once `release` is called.
 */
async function pollerOn(polls: ReturnType<typeof record>[][], definition: Record<string, unknown>) {
  const invocations: string[][] = [];
  const served: number[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => { release = resolve; });
  const lambda = {
    get: () => {
      let event: { Records: ReturnType<typeof record>[] };
      return {
        setEvent: (e: typeof event) => { event = e; },
        runHandler: async () => {
          invocations.push(seq(event.Records));
          await released;
          return { batchItemFailures: [] };
        },
      };
    },
  };
  checkpointDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stream-checkpoint-'));
  const poller = new DynamodbStreams(lambda, { region: 'us-east-1', endpoint: 'http://127.0.0.1:9', checkpointFile: path.join(checkpointDir, 'state.json'), readInterval: 20 }, { warning: () => {} });
  poller._describeTable = async () => ({ Table: { LatestStreamArn: streamArn } });
  poller.streamsClient = { send: async () => ({ StreamDescription: { Shards: [{ ShardId: 'shardId-1' }] } }) };
  poller.readableStreamsClient = {
    describeStream: (_: unknown, cb: (e: unknown, d: unknown) => void) => cb(null, { StreamDescription: { Shards: [{ ShardId: 'shardId-1' }] } }),
    getShardIterator: (_: unknown, cb: (e: unknown, d: unknown) => void) => cb(null, { ShardIterator: 'it-0' }),
    getRecords: (input: { Limit: number }, cb: (e: unknown, d: unknown) => void) => {
      served.push(input.Limit);
      setImmediate(cb, null, { Records: polls[served.length - 1] ?? [], NextShardIterator: `it-${served.length}` });
    },
  };
  await poller._dynamodbStreamsEvent('outbox-relay', undefined, { enabled: true, tableName: 'lanepay-local', arn: streamArn, startingPosition: 'TRIM_HORIZON', maximumRetryAttempts: 0, ...definition });
  poller.start();
  return { poller, invocations, served, release };
}

describe('the local stream poller with a backlog', () => {
  it('sends the polls that came in while the function ran together, only the matching records, BatchSize at a time', async () => {
    const polls = [
      [record(1)],
      [record(2, 'MODIFY'), record(3), record(4)],
      [record(5, 'MODIFY'), record(6), record(7), record(8, 'MODIFY'), record(9)],
    ];
    const { poller, invocations, served, release } = await pollerOn(polls, { batchSize: 3, filterPatterns: [{ eventName: ['INSERT'] }] });

    // The first poll's record goes out at once; the next two polls arrive while it runs.
    await waitFor('the function to be invoked with the first poll', async () => invocations.length === 1 || undefined, { timeoutMs: 5_000, intervalMs: 10 });
    await waitFor('the shard to be read past its last records', async () => served.length > polls.length || undefined, { timeoutMs: 5_000, intervalMs: 10 });
    release();
    await waitFor('every matching record to be delivered', async () => invocations.flat().length === 6 || undefined, { timeoutMs: 5_000, intervalMs: 10 });
    poller.stop();

    expect(invocations).toEqual([['1'], ['3', '4', '6'], ['7', '9']]);
    // Each poll asks for as many records as GetRecords gives (1000), not for BatchSize.
    expect(new Set(served)).toEqual(new Set([1000]));
  });
});
