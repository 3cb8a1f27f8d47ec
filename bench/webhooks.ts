// `npm run bench:webhooks [-- --stack .local/stack.json --latency 40 --endpoints 10 --payments 100]`
//
// Webhooks on the local stack: event-to-delivery latency (the event's created_at to the moment
// the receiver has the request), p50/p99, one payment at a time so nothing queues; then
// deliveries per second with `endpoints` endpoints × `payments` events created back to back.
// Events travel the real path: outbox → stream → relay → notify queue → fan-out → delivery queue
// → webhook-deliver → HTTP. Payments are authorized in-process (manual capture: one event each).
//
// Read the figures with this in mind: moto serializes DynamoDB requests and every function runs
// in one serverless-offline process on the machine's cores, so these are the emulators' figures,
// not AWS's. Starts its own stack (LANEPAY_BENCH_PORT_BASE, default 7500) unless --stack is given.
// Writes bench/results/webhooks.json.
import { lookup } from 'node:dns/promises';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
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

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values: args } = parseArgs({
  options: {
    stack: { type: 'string' },
    latency: { type: 'string', default: '40' },
    endpoints: { type: 'string', default: '10' },
    payments: { type: 'string', default: '100' },
  },
});
const resultsFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results', 'webhooks.json');
const progress = (line: string) => console.error(`  ${line}`);

let stack: BenchStack | undefined;
try {
  stack = await openStack(args.stack, progress);
  const result = await run(stack.info, Number(args.latency), Number(args.endpoints), Number(args.payments));
  console.log(JSON.stringify(result, null, 2));
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  fs.writeFileSync(resultsFile, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`Written to ${path.relative(process.cwd(), resultsFile)}`);
} finally {
  if (stack?.owned) await stack.stop();
}

async function run(info: StackInfo, latencyCount: number, endpointCount: number, paymentCount: number) {
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

    progress(`latency: ${latencyCount} payments, one at a time…`);
    const latencies: number[] = [];
    for (let i = 0; i < latencyCount; i += 1) {
      await pay(latencyMerchant!);
      const request = await until(() => receiver.at('/latency')[i], 30_000);
      latencies.push(request.receivedAtMs - Date.parse(JSON.parse(request.body).created_at));
    }

    progress(`throughput: ${paymentCount} events × ${endpointCount} endpoints…`);
    const startedMs = Date.now();
    for (let i = 0; i < paymentCount; i += 1) await pay(loadMerchant!);
    const createdMs = Date.now();
    const expected = paymentCount * endpointCount;
    await until(() => (receiver.received.filter((r) => r.path.startsWith('/load/')).length >= expected ? true : undefined), 300_000);
    const load = receiver.received.filter((r) => r.path.startsWith('/load/'));
    const firstMs = Math.min(...load.map((r) => r.receivedAtMs));
    const lastMs = Math.max(...load.map((r) => r.receivedAtMs));
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      ranAt: new Date().toISOString(),
      latency: { events: latencyCount, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), maxMs: sorted.at(-1) },
      throughput: {
        endpoints: endpointCount, events: paymentCount, deliveries: load.length,
        eventsCreatedInSeconds: round((createdMs - startedMs) / 1000),
        deliveriesPerSecond: round(load.length / ((lastMs - firstMs) / 1000)),
        allDeliveredSecondsAfterFirstEvent: round((lastMs - startedMs) / 1000),
      },
      note: 'local stack: moto serializes DynamoDB; serverless-offline runs every function on the same 2 cores; each SQS event source polls with its maximumConcurrency',
    };
  } finally {
    await receiver.close();
  }
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
