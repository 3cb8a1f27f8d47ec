// `npm run bench:webhooks [-- --stack .local/stack.json --log <offline.log> --latency 100 --warmup 3 --endpoints 10 --payments 100]`
//
// Webhooks on the local stack: event-to-delivery latency (the event's created_at to the moment
// the receiver has the request), p50/p99 over `latency` events, one payment at a time so nothing
// queues, after `warmup` events that are not counted (the first reaches cold functions); then
// deliveries per second with `endpoints` endpoints × `payments` events created back to back.
// Events travel the real path: outbox → stream → relay → notify queue → fan-out → delivery queue
// → webhook-deliver → HTTP. Payments are authorized in-process (manual capture: one event each).
//
// The stream is polled every `readInterval` ms (serverless.yml; Lambda polls a shard about four
// times a second): a floor of up to that on every event. The queue-to-delivery figure leaves it
// out: it starts when the relay put the event on the notify queue (SQS SentTimestamp, which notify
// logs as `relayedAtMs`), so it needs serverless offline's log: the bench's own stack's, or --log.
//
// Read the figures with this in mind: moto serializes DynamoDB requests and every function runs
// in one serverless-offline process on the machine's cores, so these are the emulators' figures,
// not AWS's; the load average is printed beside them. Starts its own stack
// (LANEPAY_BENCH_PORT_BASE, default 7500) unless --stack is given. Writes bench/results/webhooks.json.
import { lookup } from 'node:dns/promises';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import { authorizePayment } from '../lib/payments/authorize.js';
import { createPaymentBodySchema } from '../lib/payments/schemas.js';
import type { MerchantProfile } from '../lib/merchants/profile.js';
import type { WebhookDeps } from '../lib/webhooks/deps.js';
import { createEndpoint } from '../lib/webhooks/endpoints.js';
import { pinnedTransport } from '../lib/webhooks/transport.js';
import { localCredentials } from '../scripts/stack/provision.js';
import type { StackInfo } from '../scripts/stack/types.js';
import { startReceiver } from '../test/support/webhook-receiver.js';
import { fundedMerchants, paymentDeps } from './payments-hot-path/deps.js';
import { openStack, type BenchStack } from './payments-hot-path/stack.js';
import { retryTransactionConflicts } from '../lib/aws/transaction-conflicts.js';
import { parse } from 'yaml';
import { offlineLogOffset, offlineLogRecords } from './offline-log.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values: args } = parseArgs({
  options: {
    stack: { type: 'string' },
    log: { type: 'string' },
    latency: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '3' },
    endpoints: { type: 'string', default: '10' },
    payments: { type: 'string', default: '100' },
  },
});
const resultsFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'webhooks.json');
const progress = (line: string) => console.error(`  ${line}`);

let stack: BenchStack | undefined;
try {
  stack = await openStack(args.stack, progress);
  const options = { latencyCount: Number(args.latency), warmupCount: Number(args.warmup), endpointCount: Number(args.endpoints), paymentCount: Number(args.payments) };
  const result = await run(stack.info, args.log ?? stack.logFile, options);
  report(result);
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  fs.writeFileSync(resultsFile, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`Written to ${path.relative(process.cwd(), resultsFile)}`);
} finally {
  if (stack?.owned) await stack.stop();
}

interface Options { latencyCount: number; warmupCount: number; endpointCount: number; paymentCount: number }

async function run(info: StackInfo, logFile: string | undefined, { latencyCount, warmupCount, endpointCount, paymentCount }: Options) {
  const loadBefore = loadAverage();
  const aws = { region: info.region, credentials: localCredentials, maxAttempts: 8 };
  const dynamodb = retryTransactionConflicts(new DynamoDBClient({ ...aws, endpoint: info.endpoints.dynamodb }));
  const webhookDeps: WebhookDeps = {
    dynamodb,
    sqs: new SQSClient({ ...aws, endpoint: info.endpoints.sqs }),
    kms: new KMSClient({ ...aws, endpoint: info.endpoints.kms }),
    tableName: info.tableName, stage: 'local', dataKeyId: info.keys.DataKey!,
    deliveryQueueUrl: info.queues.WebhookDeliveryQueue!.url, deliveryDeadLetterQueueUrl: info.queues.WebhookDeliveryDeadLetterQueue!.url,
    retryScheduleSeconds: [1], disableAfterMs: 3_600_000, secretOverlapMs: 86_400_000,
    resolve: (host) => lookup(host, { all: true }), transport: pinnedTransport, logger: new Logger({ logLevel: 'ERROR' }),
    signal: () => {}, now: () => new Date(), random: Math.random,
  };
  const payments = paymentDeps(info, dynamodb);
  const receiver = await startReceiver();
  const pay = async (merchant: MerchantProfile) => {
    const body = createPaymentBodySchema.parse({ amount: '1000', asset: 'USDC', chain: 'local-a', destination: `0x${randomUUID().replace(/-/g, '')}00000000`, capture: 'manual' });
    await authorizePayment(payments, { merchant, idempotencyKey: randomUUID(), fingerprint: randomUUID(), body });
  };
  try {
    const [latencyMerchant, loadMerchant] = await fundedMerchants(info, 2, 10n ** 12n);
    await createEndpoint(webhookDeps, latencyMerchant!.id, { url: receiver.url('/latency'), events: ['payment.authorized'] });
    for (let i = 0; i < endpointCount; i += 1) await createEndpoint(webhookDeps, loadMerchant!.id, { url: receiver.url(`/load/${i}`), events: ['payment.authorized'] });

    progress(`latency: ${warmupCount} warm-up and ${latencyCount} measured payments, one at a time…`);
    const logOffset = offlineLogOffset(logFile);
    const events: { id: string; createdMs: number; receivedMs: number }[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < warmupCount + latencyCount; i += 1) {
      await pay(latencyMerchant!);
      // The first request for an event not seen before (a repeat of an earlier one is not it).
      const request = await until(() => receiver.at('/latency').find((r) => !seen.has(r.headers['webhook-id']!)), 30_000);
      const event = JSON.parse(request.body) as { id: string; created_at: string };
      seen.add(event.id);
      events.push({ id: event.id, createdMs: Date.parse(event.created_at), receivedMs: request.receivedAtMs });
    }
    const measured = events.slice(warmupCount);
    const relayedAtMs = await relayTimes(logFile, logOffset, measured.map((e) => e.id));
    const fromQueue = relayedAtMs ? measured.map((e) => e.receivedMs - relayedAtMs.get(e.id)!) : undefined;
    const toQueue = relayedAtMs ? measured.map((e) => relayedAtMs.get(e.id)! - e.createdMs) : undefined;

    progress(`throughput: ${paymentCount} events × ${endpointCount} endpoints…`);
    const startedMs = Date.now();
    for (let i = 0; i < paymentCount; i += 1) await pay(loadMerchant!);
    const createdMs = Date.now();
    const expected = paymentCount * endpointCount;
    // At least once: a retry after an attempt that timed out but reached the receiver is a second request.
    const deliveries = () => new Set(receiver.received.filter((r) => r.path.startsWith('/load/')).map((r) => `${r.path} ${r.headers['webhook-id']}`)).size;
    await until(() => (deliveries() >= expected ? true : undefined), 300_000);
    const load = receiver.received.filter((r) => r.path.startsWith('/load/'));
    const distinct = deliveries();
    const firstMs = Math.min(...load.map((r) => r.receivedAtMs));
    const lastMs = Math.max(...load.map((r) => r.receivedAtMs));
    return {
      ranAt: new Date().toISOString(),
      latency: {
        events: latencyCount,
        warmupEvents: warmupCount,
        firstEventMs: events[0] ? events[0].receivedMs - events[0].createdMs : undefined,
        eventToDelivered: summary(measured.map((e) => e.receivedMs - e.createdMs)),
        notifyQueueToDelivered: fromQueue && summary(fromQueue),
        eventToNotifyQueue: toQueue && summary(toQueue),
        streamReadIntervalMs: streamReadIntervalMs(),
      },
      throughput: {
        endpoints: endpointCount, events: paymentCount, deliveries: distinct, duplicateRequests: load.length - distinct,
        eventsCreatedInSeconds: round((createdMs - startedMs) / 1000),
        deliveriesPerSecond: round(load.length / ((lastMs - firstMs) / 1000)),
        allDeliveredSecondsAfterFirstEvent: round((lastMs - startedMs) / 1000),
      },
      loadAverage: { before: loadBefore, after: loadAverage() },
      machine: `${os.cpus().length} cores`,
      note: 'local stack: moto serializes DynamoDB; serverless-offline runs every function on the same cores; each SQS event source polls with its maximumConcurrency',
    };
  } finally {
    await receiver.close();
  }
}

type Result = Awaited<ReturnType<typeof run>>;
type Summary = ReturnType<typeof summary>;

function report(result: Result) {
  const { latency, throughput, loadAverage: load } = result;
  const line = (s: Summary) => `p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms, max ${s.maxMs} ms`;
  console.log(`event -> delivered, ${latency.events} events one at a time (after ${latency.warmupEvents} warm-up; the first took ${latency.firstEventMs} ms): ${line(latency.eventToDelivered)}`);
  if (latency.notifyQueueToDelivered && latency.eventToNotifyQueue) {
    console.log(`  event -> on the notify queue (table stream, read every ${latency.streamReadIntervalMs} ms as Lambda polls a shard about 4 times a second, and the relay): ${line(latency.eventToNotifyQueue)}`);
    console.log(`  notify queue -> delivered (without the stream's read interval): ${line(latency.notifyQueueToDelivered)}`);
  } else console.log('  queue-to-delivery not measured: no serverless offline log (--log)');
  console.log(`throughput: ${throughput.deliveries} deliveries of ${throughput.events} events x ${throughput.endpoints} endpoints (${throughput.duplicateRequests} duplicate requests), ${throughput.deliveriesPerSecond} per second; all delivered ${throughput.allDeliveredSecondsAfterFirstEvent} s after the first event`);
  console.log(`load average (1, 5, 15 min): ${load.before.join(', ')} before; ${load.after.join(', ')} after (${result.machine})`);
}

/** When the relay put each event on the notify queue, from notify's `event fanned out` log records (waits for the last ones). */
async function relayTimes(logFile: string | undefined, offset: number, eventIds: string[]): Promise<Map<string, number> | undefined> {
  if (!logFile) return undefined;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const times = new Map<string, number>();
    for (const record of offlineLogRecords(logFile, offset)) {
      if (record.message === 'event fanned out' && typeof record.eventId === 'string' && typeof record.relayedAtMs === 'number') times.set(record.eventId, record.relayedAtMs);
    }
    if (eventIds.every((id) => times.has(id))) return times;
    if (Date.now() > deadline) {
      progress(`notify logged ${eventIds.filter((id) => times.has(id)).length} of ${eventIds.length} events; queue-to-delivery not measured`);
      return undefined;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The local stream reader's poll interval (custom.serverless-offline-dynamodb-streams.readInterval). */
function streamReadIntervalMs(): number | undefined {
  const serverless = parse(fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'serverless.yml'), 'utf8')) as { custom?: Record<string, { readInterval?: number }> };
  return serverless.custom?.['serverless-offline-dynamodb-streams']?.readInterval;
}

function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), maxMs: sorted.at(-1) ?? 0 };
}

function loadAverage(): number[] {
  return os.loadavg().map((value) => round(value));
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

async function until<T>(probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('bench: timed out waiting for deliveries');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
