// `npm run bench:degradation [-- --stack .local/stack.json --rate 4 --seconds 60]`
//
// Graded degradation on the local stack (docs/slo.md, docs/operations.md "Circuit breakers"):
// `rate` payouts per second through the API (authorizer, authorize, then the real pipeline to the
// chain) for `seconds`, while the merchant's webhook endpoint hangs (accepts the connection, never
// answers). It prints authorize latency (p50/p99, against the authorize-latency SLO), payouts from
// request to `succeeded` (against capture-to-broadcast), how many delivery attempts reached the
// hanging endpoint and how often its circuit opened, then lets the endpoint recover and
// times how long until every event was delivered. Every event must arrive; the bench fails if one
// does not.
//
// Starts its own stack (LANEPAY_BENCH_PORT_BASE, default 7500) unless --stack is given. Figures
// are the emulators' on this machine, with the load average beside them.
import { QueryCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { KMSClient } from '@aws-sdk/client-kms';
import { creditSandboxFunds } from '#lib/ledger/sandbox.js';
import { merchantEventsPartition } from '#lib/merchants/events.js';
import { createMerchant } from '#lib/merchants/merchants.js';
import { localCredentials } from '../scripts/stack/provision.js';
import type { StackInfo } from '../scripts/stack/types.js';
import { openStack, type BenchStack } from './payments-hot-path/stack.js';
import { offlineLogOffset, offlineLogRecords } from './offline-log.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values: args } = parseArgs({ options: { stack: { type: 'string' }, rate: { type: 'string', default: '4' }, seconds: { type: 'string', default: '60' } } });
const progress = (line: string) => console.error(`  ${line}`);

// Retries that outlast the bench's outage on its own stack (the local default gives up in seconds; AWS's
// schedule spans three days): what is measured is whether every event arrives, not the local schedule.
process.env.LANEPAY_WEBHOOK_RETRY_SCHEDULE ??= '5,10,20,40,80,160,300';

let stack: BenchStack | undefined;
try {
  stack = await openStack(args.stack, progress);
  // The same load twice: with a healthy endpoint (the baseline), then with one that hangs.
  report('healthy endpoint', await run(stack.info, stack.logFile, Number(args.rate), Number(args.seconds), false));
  report('hanging endpoint', await run(stack.info, stack.logFile, Number(args.rate), Number(args.seconds), true));
} finally {
  if (stack?.owned) await stack.stop();
}

/** A receiver that holds every request until `recover`, then answers 200 at once (held ones too, if their client still waits). */
async function hangingReceiver() {
  let recovered = false;
  const held: http.ServerResponse[] = [];
  const received: { id: string; atMs: number; whileDown: boolean }[] = [];
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      received.push({ id: String(request.headers['webhook-id']), atMs: Date.now(), whileDown: !recovered });
      if (recovered) response.writeHead(200).end('ok');
      else held.push(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    recover() {
      recovered = true;
      for (const response of held.splice(0)) if (!response.writableEnded) response.writeHead(200).end('ok');
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

async function run(info: StackInfo, logFile: string | undefined, rate: number, seconds: number, hanging: boolean) {
  const dynamodb = new DynamoDBClient({ region: info.region, credentials: localCredentials, endpoint: info.endpoints.dynamodb });
  const api = async (method: string, path: string, key: string, body?: unknown) => {
    const started = performance.now();
    const response = await fetch(`${info.apiUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', ...(body ? { 'Idempotency-Key': randomUUID() } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown>, ms: performance.now() - started };
  };
  const receiver = await hangingReceiver();
  if (!hanging) receiver.recover();
  try {
    const { merchantId, key } = await fundedMerchant(info);
    const endpoint = await api('POST', '/v1/webhook_endpoints', key, { url: receiver.url, events: ['*'] });
    if (endpoint.status !== 201) throw new Error(`bench: the endpoint was refused: ${endpoint.status} ${JSON.stringify(endpoint.body)}`);
    const logOffset = offlineLogOffset(logFile);
    const loadBefore = os.loadavg()[0]!;

    progress(`${rate} payouts/s for ${seconds} s, the webhook endpoint ${hanging ? 'hanging' : 'healthy'}…`);
    const requests: Promise<{ id?: string; status: number; ms: number; startedMs: number }>[] = [];
    const startedMs = Date.now();
    for (let i = 0; i < rate * seconds; i += 1) {
      const due = startedMs + (i * 1000) / rate;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
      const sentMs = Date.now();
      requests.push(api('POST', '/v1/payments', key, { amount: '1000', asset: 'USDC', chain: 'local-a', destination: `0x${randomUUID().replace(/-/g, '')}00000000` })
        .then((r) => ({ id: r.body.id as string | undefined, status: r.status, ms: r.ms, startedMs: sentMs })));
    }
    const answers = await Promise.all(requests);
    const accepted = answers.filter((a) => a.status === 201 && a.id);
    progress('waiting for every payout to succeed…');
    const succeededMs = new Map<string, number>();
    const payoutDeadline = Date.now() + 600_000;
    while (succeededMs.size < accepted.length && Date.now() < payoutDeadline) {
      for (const answer of accepted) {
        if (succeededMs.has(answer.id!)) continue;
        const payment = await api('GET', `/v1/payments/${answer.id}`, key);
        if (payment.body.status === 'succeeded' || payment.body.status === 'failed') succeededMs.set(answer.id!, Date.now() - answer.startedMs);
      }
    }
    const whileDown = receiver.received.filter((r) => r.whileDown).length;

    progress(hanging ? 'the endpoint recovers; waiting for every event to be delivered…' : 'waiting for every event to be delivered…');
    const recoveredMs = Date.now();
    receiver.recover();
    const eventIds = await merchantEventIds(dynamodb, info.tableName, merchantId);
    const deliveryDeadline = Date.now() + 600_000;
    const delivered = () => new Set(receiver.received.filter((r) => !r.whileDown).map((r) => r.id));
    while ([...eventIds].some((id) => !delivered().has(id)) && Date.now() < deliveryDeadline) await new Promise((resolve) => setTimeout(resolve, 250));
    const missing = [...eventIds].filter((id) => !delivered().has(id));
    const circuit = circuitCounts(offlineLogRecords(logFile, logOffset));
    return {
      rate, seconds, loadBefore, loadAfter: os.loadavg()[0]!,
      authorize: { requests: answers.length, accepted: accepted.length, refused: answers.length - accepted.length, ...summary(answers.map((a) => a.ms)) },
      payouts: { succeeded: succeededMs.size, ...summary([...succeededMs.values()]) },
      webhooks: { events: eventIds.size, attemptsWhileDown: whileDown, ...circuit, recoveredToAllDeliveredMs: missing.length === 0 ? Date.now() - recoveredMs : null, missing: missing.length },
    };
  } finally {
    await receiver.close();
    dynamodb.destroy();
  }
}

/** A merchant with an API key (the bench calls the API as merchants do) and 1,000,000 USDC of sandbox funds. */
async function fundedMerchant(info: StackInfo): Promise<{ merchantId: string; key: string }> {
  const aws = { region: info.region, credentials: localCredentials };
  const dynamodb = new DynamoDBClient({ ...aws, endpoint: info.endpoints.dynamodb });
  const kms = new KMSClient({ ...aws, endpoint: info.endpoints.kms });
  const deps = { dynamodb, kms, tableName: info.tableName, apiKeyDigestKeyId: info.keys.ApiKeyDigestKey!, stage: 'local' as const, assets: ['USDC'] };
  try {
    const created = await createMerchant(deps, { name: `bench-degradation-${randomUUID().slice(0, 8)}` });
    await creditSandboxFunds(deps, { merchantId: created.merchant_id, asset: 'USDC', amountMinor: 10n ** 12n, transferId: `trf_fund_${randomUUID()}` });
    return { merchantId: created.merchant_id, key: created.api_key };
  } finally {
    dynamodb.destroy();
    kms.destroy();
  }
}

async function merchantEventIds(dynamodb: DynamoDBClient, tableName: string, merchantId: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let start: QueryCommand['input']['ExclusiveStartKey'];
  do {
    const page = await dynamodb.send(new QueryCommand({
      TableName: tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', FilterExpression: 'entity = :e',
      ExpressionAttributeValues: { ':p': { S: merchantEventsPartition(merchantId) }, ':e': { S: 'event' } }, ExclusiveStartKey: start,
    }));
    for (const item of page.Items ?? []) if (item.pk?.S) ids.add(item.pk.S.replace(/^EVENT#/, ''));
    start = page.LastEvaluatedKey;
  } while (start);
  return ids;
}

/** How often the endpoint's circuit opened, and the attempts made in all, from webhook-deliver's log (the bench's own stack only). */
function circuitCounts(records: Record<string, unknown>[]) {
  if (records.length === 0) return { circuitOpened: null, attempts: null };
  return {
    circuitOpened: records.filter((r) => r.message === 'circuit_opened').length,
    attempts: records.filter((r) => r.message === 'webhook attempt').length,
  };
}

function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0);
  return { p50Ms: at(50), p99Ms: at(99), maxMs: Math.round(sorted.at(-1) ?? 0) };
}

function report(phase: string, result: Awaited<ReturnType<typeof run>>) {
  const { authorize, payouts, webhooks } = result;
  console.log(`degradation, ${phase}: ${result.rate} payouts/s for ${result.seconds} s (load ${result.loadBefore.toFixed(1)} → ${result.loadAfter.toFixed(1)})`);
  console.log(`  authorize   ${authorize.accepted}/${authorize.requests} accepted, p50 ${authorize.p50Ms} ms, p99 ${authorize.p99Ms} ms, max ${authorize.maxMs} ms (SLO: 99 % within 800 ms)`);
  console.log(`  payouts     ${payouts.succeeded} final, request → succeeded p50 ${payouts.p50Ms} ms, p99 ${payouts.p99Ms} ms`);
  console.log(`  webhooks    ${webhooks.events} events; ${webhooks.attemptsWhileDown} attempts reached the hanging endpoint, its circuit opened ${webhooks.circuitOpened ?? '?'} times (${webhooks.attempts ?? '?'} attempts in all)`);
  console.log(`  delivery    ${webhooks.missing === 0 ? `every event delivered ${webhooks.recoveredToAllDeliveredMs} ms after the load (and the endpoint's recovery)` : `${webhooks.missing} events NOT delivered within 10 minutes`}`);
  if (webhooks.missing > 0) process.exitCode = 1;
}
