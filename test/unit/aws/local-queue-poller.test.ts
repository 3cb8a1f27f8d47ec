import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// The patched local SQS poller (patches/serverless-offline-sqs+*.patch): which messages one
// invocation gets, and when. Lambda's event source mapping long-polls and, without a batching
// window, invokes with what one receive returned; with a window it keeps gathering until the batch
// is full or the window has passed.
const require = createRequire(import.meta.url);
interface Message { MessageId: string }
type Receive = (request: { max: number; waitSeconds: number }) => Promise<Message[]>;
const { gatherBatch } = require('serverless-offline-sqs/src/gather.js') as {
  gatherBatch: (options: { receive: Receive; batchSize?: number; batchingWindowSeconds?: number; now?: () => number; sleep?: (ms: number) => Promise<void> }) => Promise<Message[]>;
};

const messages = (...ids: string[]) => ids.map((id) => ({ MessageId: id }));

/**
 * A queue on a simulated clock: `arrivals` lists when each message becomes receivable. A receive
 * returns what is there at once, or long-polls (advancing the clock) until something arrives or
 * its wait has passed, as SQS does.
 */
function queue(arrivals: { atMs: number; id: string }[]) {
  let clockMs = 0;
  const pending = [...arrivals].sort((a, b) => a.atMs - b.atMs);
  const requests: { atMs: number; max: number; waitSeconds: number }[] = [];
  const receive: Receive = async ({ max, waitSeconds }) => {
    requests.push({ atMs: clockMs, max, waitSeconds });
    const next = pending[0];
    if (!next || next.atMs > clockMs + waitSeconds * 1000) {
      clockMs += waitSeconds * 1000;
      return [];
    }
    clockMs = Math.max(clockMs, next.atMs);
    const ready = pending.filter((a) => a.atMs <= clockMs).slice(0, max);
    pending.splice(0, ready.length);
    return messages(...ready.map((a) => a.id));
  };
  return {
    receive,
    requests,
    now: () => clockMs,
    sleep: async (ms: number) => { clockMs += ms; },
  };
}

describe('the local SQS poller gathering one invocation', () => {
  it('without a batching window, hands on what one long poll returned, the moment it returns', async () => {
    const q = queue([{ atMs: 300, id: 'a' }, { atMs: 310, id: 'b' }]);

    const batch = await gatherBatch({ ...q, batchSize: 10 });

    expect(batch.map((m) => m.MessageId)).toEqual(['a']);
    expect(q.now()).toBe(300);
    expect(q.requests).toEqual([{ atMs: 0, max: 10, waitSeconds: 5 }]);
  });

  it('with a batching window, holds a lone message until the window has passed', async () => {
    const q = queue([{ atMs: 200, id: 'a' }]);

    const batch = await gatherBatch({ ...q, batchSize: 100, batchingWindowSeconds: 1 });

    expect(batch.map((m) => m.MessageId)).toEqual(['a']);
    expect(q.now()).toBe(1_200);
    // After the first message, never a long poll past the window.
    expect(q.requests.slice(1).every((r) => r.atMs + r.waitSeconds * 1000 <= 1_200)).toBe(true);
  });

  it('with a batching window, invokes as soon as the batch is full', async () => {
    const q = queue([{ atMs: 0, id: 'a' }, { atMs: 50, id: 'b' }, { atMs: 150, id: 'c' }, { atMs: 900, id: 'd' }]);

    const batch = await gatherBatch({ ...q, batchSize: 3, batchingWindowSeconds: 2 });

    expect(batch.map((m) => m.MessageId)).toEqual(['a', 'b', 'c']);
    expect(q.now()).toBe(150);
  });

  it('long-polls within a window of several seconds, never asking for more than 10 messages or past the window', async () => {
    const q = queue(Array.from({ length: 25 }, (_, i) => ({ atMs: i < 12 ? 0 : 2_500, id: `m${i}` })));

    const batch = await gatherBatch({ ...q, batchSize: 30, batchingWindowSeconds: 3 });

    expect(batch).toHaveLength(25);
    expect(q.now()).toBe(3_000);
    expect(Math.max(...q.requests.map((r) => r.max))).toBe(10);
    expect(q.requests.slice(1).every((r) => r.atMs + r.waitSeconds * 1000 <= 3_000)).toBe(true);
  });

  it('returns nothing when the long poll finds nothing', async () => {
    const q = queue([]);

    expect(await gatherBatch({ ...q, batchSize: 10, batchingWindowSeconds: 1 })).toEqual([]);
    expect(q.requests).toHaveLength(1);
  });
});

// The poller itself (sqs.js): an SQS that does not answer for a while (ElasticMQ restarting, in
// `npm run chaos`) must not end the poller. Lambda's event source mapping keeps polling; before the
// patch, a failed receive rejected the poller's job, nothing polled that queue again, and the
// unhandled rejection crashed serverless offline.
type AwsCall<T> = () => { promise: () => Promise<T> };
// osls resolves the plugin's `@serverless/utils/log` to its vendored copy once it is loaded, as in offline.
require('serverless/lib/serverless.js');
const SQS = require('serverless-offline-sqs/src/sqs.js') as new (lambda: unknown, resources: unknown, options: unknown) => {
  client: { getQueueUrl: AwsCall<{ QueueUrl: string }>; receiveMessage: AwsCall<{ Messages?: unknown[] }>; deleteMessageBatch: AwsCall<unknown> };
  _sqsEvent(functionKey: string, definition: Record<string, unknown>): Promise<void>;
  start(): void;
  stop(): void;
};

describe('the local SQS poller when SQS does not answer', () => {
  it('polls again after failed receives and hands on the message once SQS answers', async () => {
    const invoked: unknown[] = [];
    const lambda = { get: () => ({ setEvent: (event: unknown) => invoked.push(event), runHandler: async () => ({ batchItemFailures: [] }) }) };
    const poller = new SQS(lambda, {}, { region: 'us-east-1', endpoint: 'http://127.0.0.1:1' });
    let receives = 0;
    const answer = <T>(value: () => Promise<T>) => () => ({ promise: value });
    poller.client = {
      getQueueUrl: answer(async () => ({ QueueUrl: 'http://127.0.0.1:1/000000000000/q' })),
      receiveMessage: answer(async () => {
        receives += 1;
        if (receives <= 2) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'UnknownEndpoint' });
        if (receives === 3) return { Messages: [{ MessageId: 'm1', ReceiptHandle: 'r1', Body: '{}', Attributes: {}, MessageAttributes: {} }] };
        // An empty queue long-polls, as SQS does (an instant empty answer would spin the poller).
        await new Promise((resolve) => setTimeout(resolve, 100));
        return { Messages: [] };
      }),
      deleteMessageBatch: answer(async () => ({})),
    };
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await poller._sqsEvent('fn', { enabled: true, arn: 'arn:aws:sqs:us-east-1:000000000000:q', queueName: 'q', batchSize: 10 });
      poller.start();
      const deadline = Date.now() + 10_000;
      while (invoked.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      poller.stop();
      process.off('unhandledRejection', onUnhandled);
    }

    expect(invoked).toHaveLength(1);
    expect(receives).toBeGreaterThanOrEqual(3);
    expect(unhandled).toEqual([]);
  }, 15_000);
});
