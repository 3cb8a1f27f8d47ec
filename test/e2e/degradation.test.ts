import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { merchantEventsPartition } from '#lib/merchants/events.js';
import { defaultCircuit } from '#lib/notify/webhooks/circuit.js';
import { endpointKey } from '#lib/notify/webhooks/items.js';
import { api, type ApiResponse } from '../support/api.js';
import { clients, fundedMerchant, someAddress, usdc } from '../support/deps.js';
import { stack } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

// Issue 24, "Graded degradation": authorizations at a steady rate while the merchant's webhook
// endpoint hangs (accepts the connection, never answers). The payment path must not notice: every
// authorization succeeds and every payout is paid; the endpoint's circuit opens so its deliveries
// stop holding workers; once it recovers, every event arrives exactly once. The suite's stack keeps
// its short retry schedule (1,1,2,2,3 s; disabled after failing 60 s): an open circuit spends no
// delivery's retries, so the endpoint recovers as soon as its circuit has opened.
// bench/degradation.ts runs the same load longer on a stack of its own and prints more figures.

const ratePerSecond = 1;
// 24, not bench/degradation.ts's minutes: the suite's other files share the stack, and at 40 the
// machine's load reached 37 during the full suite.
const seconds = 24;
// The authorize-latency objective (infra/slos.json, docs/slo.md). Printed, not asserted: on the
// local stack the payment path shares two cores with every emulator and the suite's other files, and
// p99 was 22-54 s in the runs measured (load averages 10-26; docs/operations.md "Circuit breakers").
const authorizeObjectiveMs = 800;

/** A receiver that holds every request until `recover`, then answers 200 at once (held ones too, if their sender still waits). */
async function hangingReceiver() {
  let recovered = false;
  const held: http.ServerResponse[] = [];
  const requests: { eventId: string; at: number; whileDown: boolean; answeredOk: boolean; answeredAtRecovery?: boolean }[] = [];
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const record = { eventId: String(request.headers['webhook-id']), at: Date.now(), whileDown: !recovered, answeredOk: recovered };
      requests.push(record);
      if (recovered) response.writeHead(200).end('ok');
      else held.push(Object.assign(response, { record }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    requests,
    recover() {
      recovered = true;
      // A held request whose sender gave up (its attempt timed out) has a closed socket: no answer reaches anyone.
      for (const response of held.splice(0) as (http.ServerResponse & { record: { answeredOk: boolean; answeredAtRecovery?: boolean } })[]) {
        if (response.socket && !response.socket.destroyed) {
          response.record.answeredOk = true;
          response.record.answeredAtRecovery = true;
          response.writeHead(200).end('ok');
        }
      }
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0);
}

async function merchantEventIds(merchantId: string): Promise<string[]> {
  const ids: string[] = [];
  let start: QueryCommand['input']['ExclusiveStartKey'];
  do {
    const page = await clients().dynamodb.send(new QueryCommand({
      TableName: stack().tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', FilterExpression: 'entity = :e',
      ExpressionAttributeValues: { ':p': { S: merchantEventsPartition(merchantId) }, ':e': { S: 'event' } }, ExclusiveStartKey: start,
    }));
    for (const item of page.Items ?? []) ids.push(item.pk!.S!.replace(/^EVENT#/, ''));
    start = page.LastEvaluatedKey;
  } while (start);
  return ids;
}

const receivers: { close(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
});

describe('graded degradation: authorizations while the webhook endpoint hangs', () => {
  it(`authorizes ${ratePerSecond * seconds} payments at ${ratePerSecond}/s and pays every payout while the endpoint hangs; its circuit opens; after it recovers every event arrives, twice only where an answer crossed its sender's timeout`, { timeout: 600_000 }, async () => {
    const receiver = await hangingReceiver();
    receivers.push(receiver);
    const merchant = await fundedMerchant(usdc(1_000_000));
    const endpoint = await api('POST', '/v1/webhook_endpoints', { key: merchant.api_key, body: { url: receiver.url, events: ['*'] } });
    expect(endpoint.status).toBe(201);

    const loadBefore = os.loadavg()[0]!;
    const answers: Promise<ApiResponse & { ms: number }>[] = [];
    const startedMs = Date.now();
    for (let i = 0; i < ratePerSecond * seconds; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, startedMs + (i * 1000) / ratePerSecond - Date.now())));
      const sentMs = performance.now();
      answers.push(api('POST', '/v1/payments', { key: merchant.api_key, body: { amount: '1000', asset: 'USDC', chain: 'local-a', destination: someAddress() } })
        .then((response) => ({ ...response, ms: performance.now() - sentMs })));
    }
    const authorized = await Promise.all(answers);
    const ms = authorized.map((a) => a.ms);
    console.log(`degradation: ${authorized.length} authorizations at ${ratePerSecond}/s, endpoint hanging: p50 ${percentile(ms, 50)} ms, p99 ${percentile(ms, 99)} ms (objective ${authorizeObjectiveMs} ms), max ${percentile(ms, 100)} ms (load ${loadBefore.toFixed(1)} → ${os.loadavg()[0]!.toFixed(1)})`);
    expect(authorized.map((a) => a.status)).toEqual(authorized.map(() => 201));

    // The endpoint hangs until its circuit opens (on a busy machine deliveries trail the load), then
    // recovers; payouts and deliveries catch up side by side. The circuit's state is on the endpoint's item.
    const openUntilMs = await waitFor("the hanging endpoint's circuit to open", async () => {
      const item = await clients().dynamodb.send(new GetItemCommand({ TableName: stack().tableName, Key: endpointKey(endpoint.body.id), ConsistentRead: true }));
      return item.Item?.circuitOpenUntilMs ? Number(item.Item.circuitOpenUntilMs.N) : undefined;
    }, { timeoutMs: 240_000, intervalMs: 500 });
    // Still hanging for a while inside the open circuit's cooldown: deliveries keep coming due, and
    // none may call the endpoint (they wait on the queue), however many were due or in flight before.
    const openedAtMs = openUntilMs - defaultCircuit.cooldownMs;
    const quietUntilMs = Math.min(Date.now() + 8_000, openUntilMs - 2_000);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, quietUntilMs - Date.now())));
    const attemptsWhileDown = receiver.requests.filter((r) => r.whileDown).length;
    // A delivery that read the circuit closed just before it opened may still reach the endpoint a moment later.
    const callsWhileOpen = receiver.requests.filter((r) => r.whileDown && r.at > openedAtMs + 2_000).length;
    receiver.recover();
    const ids = authorized.map((a) => a.body.id as string);
    const pending = new Set(ids);
    await waitFor(`all ${ids.length} payouts final`, async () => {
      for (const id of [...pending]) {
        const payment = await api('GET', `/v1/payments/${id}`, { key: merchant.api_key });
        if (payment.body.status === 'succeeded' || payment.body.status === 'failed') pending.delete(id);
      }
      return pending.size === 0 ? true : undefined;
    }, { timeoutMs: 240_000, intervalMs: 1_000 });
    const finals = await Promise.all(ids.map(async (id) => (await api('GET', `/v1/payments/${id}`, { key: merchant.api_key })).body.status));
    expect(finals).toEqual(ids.map(() => 'succeeded'));

    const eventIds = await merchantEventIds(merchant.merchant_id);
    const okCount = (id: string) => receiver.requests.filter((r) => r.eventId === id && r.answeredOk).length;
    await waitFor(`every one of ${eventIds.length} events delivered after the recovery`, () => (eventIds.every((id) => okCount(id) >= 1) ? true : undefined), { timeoutMs: 240_000, intervalMs: 500 });
    console.log(`degradation: ${eventIds.length} events; ${attemptsWhileDown} attempts reached the hanging endpoint before its circuit opened`);

    // Without the circuit every due delivery would have called the hanging endpoint, each holding a
    // worker for its timeout. (How many reached it before it opened depends on the machine's pace: a
    // quiet one starts more deliveries before the first failures come back, so that is printed, not asserted.)
    expect(callsWhileOpen).toBe(0);
    // A held request answered at the recovery can cross its sender's timeout: the sender counts a
    // failure and tries again, and the receiver sees that event twice (deliveries are at least once;
    // receivers dedupe by id). No other event arrives twice.
    const racedAtRecovery = (id: string) => receiver.requests.some((r) => r.eventId === id && r.answeredAtRecovery === true);
    expect(eventIds.filter((id) => okCount(id) !== 1 && !racedAtRecovery(id))).toEqual([]);
  });
});
