// `npm run bench:degradation [-- --stack .local/stack.json --rate 2 --seconds 60 --warmup 20 --skip-healthy]`
//
// Graded degradation on the local stack (issue 24; docs/slo.md, docs/operations.md "Circuit breakers"):
// `rate` payouts per second through the API (authorizer, authorize, then the real pipeline to the
// chain) for `seconds`, while the merchant's webhook endpoint hangs (accepts the connection, never
// answers), then the endpoint recovers and every event must arrive (the bench fails if one does not).
//
// It prints the two SLO quantities as the SLOs define them, from the metrics the functions log (EMF):
// authorize's `ApiLatency` (the time in the function; the client's time, authorizer and HTTP included,
// beside it) against 800 ms, and chain-submit's `CaptureToBroadcastMs` against 10 s. A warm-up of
// `warmup` seconds at the same rate comes first and is left out of every figure: cold starts (each
// function's first invocations, each container's first audited write) are not what this measures.
// The same load then runs with a healthy endpoint (the baseline; --skip-healthy leaves it out) and with
// one that hangs. Each phase also prints where the DynamoDB emulator's time went (it serves one
// request at a time: how busy it was, and each kind of request's wait for it).
//
// Starts its own stack (LANEPAY_BENCH_PORT_BASE, default 7500) unless --stack is given. Figures
// are the emulators' on this machine, with the load average beside them.
import { QueryCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { KMSClient } from '@aws-sdk/client-kms';
import { creditSandboxFunds } from '#lib/ledger/sandbox.js';
import { merchantEventsPartition } from '#lib/merchants/events.js';
import { createMerchant } from '#lib/merchants/merchants.js';
import { idTimeMs } from '#platform';
import { localCredentials } from '../scripts/stack/provision.js';
import type { StackInfo } from '../scripts/stack/types.js';
import { openStack, type BenchStack } from './payments-hot-path/stack.js';
import { authorizeInEmulator, emulatorProfile, metricData, sloFigures, summary } from './degradation/figures.js';
import { offlineLogOffset, offlineLogRecords } from './offline-log.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values: args } = parseArgs({
  options: {
    stack: { type: 'string' },
    rate: { type: 'string', default: '2' },
    seconds: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '20' },
    'skip-healthy': { type: 'boolean', default: false },
  },
});
const progress = (line: string) => console.error(`  ${line}`);
const rate = Number(args.rate);
const seconds = Number(args.seconds);

// Retries that outlast the bench's outage on its own stack (the local default gives up in seconds; AWS's
// schedule spans three days): what is measured is whether every event arrives, not the local schedule.
process.env.LANEPAY_WEBHOOK_RETRY_SCHEDULE ??= '5,10,20,40,80,160,300';
// The DynamoDB emulator's request log (its own stack only; a stack given with --stack has one if it was
// started with LANEPAY_DDB_REQUEST_LOG set).
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lanepay-bench-degradation-'));
if (args.stack === undefined) process.env.LANEPAY_DDB_REQUEST_LOG ??= path.join(scratch, 'dynamodb-requests.log');

let stack: BenchStack | undefined;
try {
  stack = await openStack(args.stack, progress);
  const functionLog = stack.logFile ?? stack.info.functionLog;
  const warm = await run(stack.info, functionLog, { rate, seconds: Number(args.warmup), hanging: false, phase: 'warm-up (not measured)', measured: false });
  progress(`warm-up done: ${warm.authorize.accepted} payouts, every function warm`);
  if (!args['skip-healthy']) report('healthy endpoint', await run(stack.info, functionLog, { rate, seconds, hanging: false, phase: 'healthy endpoint' }));
  report('hanging endpoint', await run(stack.info, functionLog, { rate, seconds, hanging: true, phase: 'hanging endpoint' }));
} finally {
  if (stack?.owned) await stack.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
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

interface Phase {
  rate: number;
  seconds: number;
  hanging: boolean;
  phase: string;
  /** False for the warm-up. */
  measured?: boolean;
}

async function run(info: StackInfo, functionLog: string | undefined, { rate, seconds, hanging, phase, measured = true }: Phase) {
  const dynamodb = new DynamoDBClient({ region: info.region, credentials: localCredentials, endpoint: info.endpoints.dynamodb });
  const api = async (method: string, path: string, key: string, body?: unknown) => {
    const started = performance.now();
    const response = await fetch(`${info.apiUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', ...(body ? { 'Idempotency-Key': randomUUID() } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    }).catch(() => undefined);
    // A connection the stack dropped: status 0, counted among the refusals.
    if (!response) return { status: 0, body: {} as Record<string, unknown>, ms: performance.now() - started };
    // A gateway timeout answers without a body: recorded by its status, not thrown.
    const text = await response.text();
    const parsed = (() => { try { return JSON.parse(text) as Record<string, unknown>; } catch { return {}; } })();
    return { status: response.status, body: parsed, ms: performance.now() - started };
  };
  const receiver = await hangingReceiver();
  if (!hanging) receiver.recover();
  try {
    const { merchantId, key } = await fundedMerchant(info);
    const endpoint = await api('POST', '/v1/webhook_endpoints', key, { url: receiver.url, events: ['*'] });
    if (endpoint.status !== 201) throw new Error(`bench: the endpoint was refused: ${endpoint.status} ${JSON.stringify(endpoint.body)}`);
    const logOffset = offlineLogOffset(functionLog);
    const loadBefore = os.loadavg()[0]!;

    progress(`${phase}: ${rate} payouts/s for ${seconds} s, the webhook endpoint ${hanging ? 'hanging' : 'healthy'}…`);
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
    const loadEndMs = Date.now();
    const accepted = answers.filter((a) => a.status === 201 && a.id);
    // Final when its payment.succeeded (or failed) event exists; the event's id carries the time it
    // was made. One query every 2 s: polling each payment through the API was load of the bench's own.
    progress('waiting for every payout to be final…');
    const finalMs = new Map<string, number>();
    const payoutDeadline = Date.now() + 600_000;
    while (finalMs.size < accepted.length && Date.now() < payoutDeadline) {
      for (const event of await merchantEvents(dynamodb, info.tableName, merchantId)) {
        if ((event.type === 'payment.succeeded' || event.type === 'payment.failed') && event.paymentId) finalMs.set(event.paymentId, idTimeMs(event.id));
      }
      if (finalMs.size < accepted.length) await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
    const drainedMs = Date.now();
    const whileDown = receiver.received.filter((r) => r.whileDown).length;

    progress(hanging ? 'the endpoint recovers; waiting for every event to be delivered…' : 'waiting for every event to be delivered…');
    const recoveredMs = Date.now();
    receiver.recover();
    const eventIds = new Set((await merchantEvents(dynamodb, info.tableName, merchantId)).map((e) => e.id));
    // The warm-up waits a minute at most and fails nothing: it only has to leave every function warm.
    const deliveryDeadline = Date.now() + (measured ? 600_000 : 60_000);
    const delivered = () => new Set(receiver.received.filter((r) => !r.whileDown).map((r) => r.id));
    while ([...eventIds].some((id) => !delivered().has(id)) && Date.now() < deliveryDeadline) await new Promise((resolve) => setTimeout(resolve, 250));
    const missing = [...eventIds].filter((id) => !delivered().has(id));
    const records = offlineLogRecords(functionLog, logOffset);
    // The stack's logs go with it: keep the function log of a run that lost an event, to trace it.
    const keptLog = missing.length > 0 && functionLog ? path.join(os.tmpdir(), `lanepay-bench-degradation-${Date.now()}.log`) : undefined;
    if (keptLog) fs.copyFileSync(functionLog!, keptLog);
    const slo = sloFigures(metricData(functionLog, logOffset), merchantId, startedMs, drainedMs);
    const succeeded = accepted.flatMap((a) => (finalMs.has(a.id!) ? [finalMs.get(a.id!)! - a.startedMs] : []));
    return {
      rate, seconds, loadBefore, loadAfter: os.loadavg()[0]!,
      authorize: {
        requests: answers.length, accepted: accepted.length, refused: refusedByStatus(answers), client: summary(answers.map((a) => a.ms)), inFunction: slo.apiLatency,
        inEmulator: authorizeInEmulator(process.env.LANEPAY_DDB_REQUEST_LOG, merchantId, startedMs, drainedMs),
      },
      payouts: { final: finalMs.size, requestToFinal: summary(succeeded), captureToBroadcast: slo.captureToBroadcast },
      emulator: emulatorProfile(process.env.LANEPAY_DDB_REQUEST_LOG, startedMs, loadEndMs),
      webhooks: { events: eventIds.size, attemptsWhileDown: whileDown, ...circuitCounts(records), recoveredToAllDeliveredMs: missing.length === 0 ? Date.now() - recoveredMs : null, missing: missing.length, missingIds: missing, keptLog },
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

/** The merchant's events (its outbox): id, type and payment, one Query of its events partition. */
async function merchantEvents(dynamodb: DynamoDBClient, tableName: string, merchantId: string) {
  const events: { id: string; type?: string; paymentId?: string }[] = [];
  let start: QueryCommand['input']['ExclusiveStartKey'];
  do {
    const page = await dynamodb.send(new QueryCommand({
      TableName: tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', FilterExpression: 'entity = :e',
      ProjectionExpression: 'pk, #type, paymentId', ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':p': { S: merchantEventsPartition(merchantId) }, ':e': { S: 'event' } }, ExclusiveStartKey: start,
    }));
    for (const item of page.Items ?? []) {
      if (item.pk?.S) events.push({ id: item.pk.S.replace(/^EVENT#/, ''), type: item.type?.S, paymentId: item.paymentId?.S });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return events;
}

/** How often the endpoint's circuit opened, and the attempts made in all, from webhook-deliver's log (the bench's own stack only). */
function circuitCounts(records: Record<string, unknown>[]) {
  if (records.length === 0) return { circuitOpened: null, attempts: null };
  return {
    circuitOpened: records.filter((r) => r.message === 'circuit_opened').length,
    attempts: records.filter((r) => r.message === 'webhook attempt').length,
  };
}

/** The answers other than 201, by status: `503 ×2, 409 ×1`, or '' when there were none. */
function refusedByStatus(answers: { status: number }[]): string {
  const counts = new Map<number, number>();
  for (const { status } of answers) if (status !== 201) counts.set(status, (counts.get(status) ?? 0) + 1);
  return [...counts].map(([status, count]) => `${status} ×${count}`).join(', ');
}

function ms(x: { count: number; p50Ms: number; p99Ms: number; maxMs: number }): string {
  return `p50 ${x.p50Ms} ms, p99 ${x.p99Ms} ms, max ${x.maxMs} ms (${x.count})`;
}

function report(phase: string, result: Awaited<ReturnType<typeof run>>) {
  const { authorize, payouts, emulator, webhooks } = result;
  const verdict = (held: boolean) => (held ? 'met' : 'MISSED');
  console.log(`degradation, ${phase}: ${result.rate} payouts/s for ${result.seconds} s after a warm-up left out of the figures (load ${result.loadBefore.toFixed(1)} → ${result.loadAfter.toFixed(1)})`);
  console.log(`  authorize           ${authorize.accepted}/${authorize.requests} accepted${authorize.refused ? `, refused: ${authorize.refused}` : ''}`);
  console.log(`    in the function   ${ms(authorize.inFunction)}; ${authorize.inFunction.over} over 800 ms: SLO (p99 ≤ 800 ms) ${verdict(authorize.inFunction.count > 0 && authorize.inFunction.p99Ms <= 800)}`);
  console.log(`    at the client     ${ms(authorize.client)} (authorizer and HTTP included; not the SLO's measure)`);
  if (authorize.inEmulator.count > 0) {
    console.log(`    in the emulator   ${ms(authorize.inEmulator)} per authorization: its ${authorize.inEmulator.requestsPerAuthorization.toFixed(1)} DynamoDB requests on average, waiting for the emulator and holding it`);
  }
  console.log(`  capture→broadcast   ${ms(payouts.captureToBroadcast)}; ${payouts.captureToBroadcast.over} over 10 s: SLO (p99 ≤ 10 s) ${verdict(payouts.captureToBroadcast.count > 0 && payouts.captureToBroadcast.p99Ms <= 10_000)}`);
  console.log(`  request→final       ${payouts.final} payouts final, ${ms(payouts.requestToFinal)} (confirmations included)`);
  console.log(`  webhooks            ${webhooks.events} events; ${webhooks.attemptsWhileDown} attempts reached the hanging endpoint, its circuit opened ${webhooks.circuitOpened ?? '?'} times (${webhooks.attempts ?? '?'} attempts in all)`);
  console.log(`  delivery            ${webhooks.missing === 0 ? `every event delivered ${webhooks.recoveredToAllDeliveredMs} ms after the payouts were final (and the endpoint's recovery)` : `${webhooks.missing} events NOT delivered within 10 minutes: ${webhooks.missingIds.join(', ')} (the function log is kept in ${webhooks.keptLog ?? '?'})`}`);
  if (emulator.requests > 0) {
    console.log(`  DynamoDB emulator   during the load: ${emulator.requests} requests, busy ${(emulator.busyShare * 100).toFixed(0)} % of the time, wait for it p50 ${emulator.wait.p50Ms} ms, p99 ${emulator.wait.p99Ms} ms`);
    for (const row of emulator.rows.slice(0, 10)) {
      console.log(`    ${row.key.padEnd(34)} ${row.perSecond.toFixed(1).padStart(5)}/s  held ${(row.heldShare * 100).toFixed(1).padStart(4)} %  held p50/p99 ${row.held.p50Ms}/${row.held.p99Ms} ms  waited p50/p99 ${row.wait.p50Ms}/${row.wait.p99Ms} ms${row.refused ? `  refused ${row.refused}: ${row.refusals}` : ''}`);
    }
  }
  if (webhooks.missing > 0) process.exitCode = 1;
}
