import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';

// The patched local stream reader (patches/dynamodb-streams-readable+*.patch and
// patches/serverless-offline-dynamodb-streams+*.patch): how long a record waits between the
// stream and the function. Lambda polls a stream about four times a second and invokes as soon
// as a poll returns records.
const require = createRequire(import.meta.url);
const DynamodbStreamsReadable = require('dynamodb-streams-readable') as (client: unknown, arn: string, options: Record<string, unknown>) => Readable;
type ReaderOptions = (definition: Record<string, unknown>, pluginOptions: Record<string, unknown>, position: Record<string, unknown>, shardId: string) => Record<string, unknown>;
const readerOptions: ReaderOptions = (...args) => (require('serverless-offline-dynamodb-streams/src/reader-options.js') as { readerOptions: ReaderOptions }).readerOptions(...args);

const arn = 'arn:aws:dynamodb:us-east-1:000000000000:table/lanepay-local/stream/2026-12-06T00:00:00.000';

/** A streams client (v2 callback style, as the plugin wraps it) whose shard yields `batches` in turn, then nothing. */
function shard(batches: unknown[][]) {
  const polls: number[] = [];
  let next = 0;
  return {
    polls,
    client: {
      describeStream: (_: unknown, cb: (e: unknown, d: unknown) => void) => cb(null, { StreamDescription: { Shards: [{ ShardId: 'shardId-1' }] } }),
      getShardIterator: (_: unknown, cb: (e: unknown, d: unknown) => void) => cb(null, { ShardIterator: 'it-0' }),
      getRecords: (_: unknown, cb: (e: unknown, d: unknown) => void) => {
        polls.push(Date.now());
        const Records = batches[next] ?? [];
        next += 1;
        setImmediate(cb, null, { Records, NextShardIterator: `it-${next}` });
      },
    },
  };
}

const record = (sequence: number) => ({ eventName: 'INSERT', dynamodb: { SequenceNumber: String(sequence) } });

describe('the local stream reader', () => {
  it('hands a batch on as soon as a poll returns it, without waiting the read interval', async () => {
    const { client } = shard([[record(1), record(2)], [record(3)]]);
    const readable = DynamodbStreamsReadable(client, arn, { shardId: 'shardId-1', iterator: 'TRIM_HORIZON', readInterval: 5_000 });
    const startedAt = Date.now();
    const received: { sequences: string[]; afterMs: number }[] = [];

    await new Promise<void>((resolve) => {
      readable.on('data', (batch: ReturnType<typeof record>[]) => {
        received.push({ sequences: batch.map((r) => r.dynamodb.SequenceNumber), afterMs: Date.now() - startedAt });
        if (received.length === 2) resolve();
      });
    });
    readable.pause();

    expect(received.map((r) => r.sequences)).toEqual([['1', '2'], ['3']]);
    // Both batches long before one read interval (5 s) has passed, even on a loaded machine.
    expect(received[1]!.afterMs).toBeLessThan(2_500);
  });

  it('waits the read interval between polls that find nothing', async () => {
    const { client, polls } = shard([]);
    const readable = DynamodbStreamsReadable(client, arn, { shardId: 'shardId-1', iterator: 'TRIM_HORIZON', readInterval: 200 });
    readable.resume();
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    readable.pause();

    // About five polls in 1.1 s at 200 ms; never a busy loop, never the library's 500 ms default.
    expect(polls.length).toBeGreaterThanOrEqual(3);
    expect(polls.length).toBeLessThanOrEqual(7);
  });

  it("reads with the plugin's readInterval (serverless.yml custom) unless the stream event sets its own", () => {
    const definition = { batchSize: 100, tableName: 'lanepay-local', filterPatterns: [] };

    expect(readerOptions(definition, { readInterval: 250 }, { iterator: 'LATEST' }, 'shardId-1')).toMatchObject({ readInterval: 250, limit: 1000, shardId: 'shardId-1', iterator: 'LATEST' });
    expect(readerOptions({ ...definition, readInterval: 100 }, { readInterval: 250 }, { startAfter: '42' }, 'shardId-1')).toMatchObject({ readInterval: 100, startAfter: '42' });
  });
});
