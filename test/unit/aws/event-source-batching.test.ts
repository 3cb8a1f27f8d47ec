import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

// How the event sources in functions/*.yml batch. A batching window holds every record until the
// batch is full or the window has passed: on a path a merchant waits on, a lone event waits the
// whole window, on AWS as in the local poller (patches/serverless-offline-sqs+*.patch).
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const functionFiles = fs.readdirSync(path.join(repoRoot, 'functions')).filter((f) => f.endsWith('.yml'));

interface Trigger { function: string; kind: 'sqs' | 'stream'; batchSize?: number; maximumBatchingWindow?: number }
const triggers: Trigger[] = [];
for (const file of functionFiles) {
  const functions = parse(fs.readFileSync(path.join(repoRoot, 'functions', file), 'utf8')) as Record<string, { events?: Record<string, unknown>[] }>;
  for (const [name, fn] of Object.entries(functions)) {
    for (const event of fn.events ?? []) {
      const kind = 'sqs' in event ? 'sqs' : 'stream' in event ? 'stream' : undefined;
      if (kind) triggers.push({ function: name, kind, ...(event[kind] as Omit<Trigger, 'function' | 'kind'>) });
    }
  }
}

describe('event source batching', () => {
  it('the way of an event to its webhook (outbox-relay, notify, webhook-deliver) has no batching window', () => {
    const onTheWay = triggers.filter((t) => ['outbox-relay', 'notify', 'webhook-deliver'].includes(t.function));

    expect(onTheWay.map((t) => t.function).sort()).toEqual(['notify', 'outbox-relay', 'webhook-deliver']);
    expect(onTheWay.filter((t) => (t.maximumBatchingWindow ?? 0) > 0)).toEqual([]);
  });

  it('every SQS trigger taking more than 10 messages a batch has a batching window of at least 1 s (AWS refuses it otherwise)', () => {
    const refused = triggers.filter((t) => t.kind === 'sqs' && (t.batchSize ?? 10) > 10 && (t.maximumBatchingWindow ?? 0) < 1);

    expect(refused).toEqual([]);
  });
});
