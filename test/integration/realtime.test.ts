import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import type { LanepayEvent } from '#lib/notify/events/schemas.js';
import { openConnection, subscribe } from '#lib/notify/realtime/connections.js';
import type { RealtimeDeps } from '#lib/notify/realtime/deps.js';
import { pushEvent } from '#lib/notify/realtime/push.js';
import { issueRealtimeToken } from '#lib/notify/realtime/tokens.js';
import { newId } from '#lib/platform/ids/index.js';
import { api } from '../support/api.js';
import { clients, fundedMerchant, someAddress, usdc } from '../support/deps.js';
import { localCredentials, stack } from '../support/stack.js';
import { waitFor } from '../support/wait.js';
import { closeAll, connect, refusedStatus } from '../support/websocket.js';

type Merchant = Awaited<ReturnType<typeof fundedMerchant>>;

/** pushEvent's dependencies in this process: the stack's table and serverless-offline's @connections routes. */
function pushDeps(failures: Parameters<RealtimeDeps['postFailed']>[0][] = []): RealtimeDeps {
  const info = stack();
  return {
    dynamodb: clients().dynamodb,
    tableName: info.tableName,
    now: () => new Date(),
    management: new ApiGatewayManagementApiClient({
      region: info.region, credentials: localCredentials, endpoint: info.websocketUrl.replace(/^ws/, 'http'), maxAttempts: 1,
    }),
    postFailed: (failure) => failures.push(failure),
  };
}

async function newPayment(merchant: Merchant): Promise<string> {
  const created = await api('POST', '/v1/payments', {
    key: merchant.api_key,
    body: { amount: '1000', asset: 'USDC', chain: 'local-a', destination: someAddress(), capture: 'manual' },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.id;
}

/**
 * A real event of the payment as the events API returns it, under a fresh id: the running notify
 * consumer pushes the original by itself, and these tests count the frames of their own push.
 */
async function eventOf(merchant: Merchant, paymentId: string): Promise<LanepayEvent> {
  const events = await api('GET', '/v1/events?limit=100', { key: merchant.api_key });
  const event = events.body.data.find((e: LanepayEvent) => e.data.object.id === paymentId);
  expect(event, `an event of ${paymentId}`).toBeDefined();
  return { ...event, id: newId('evt') };
}

async function token(merchant: Merchant, body?: unknown) {
  return api('POST', '/v1/realtime/tokens', { key: merchant.api_key, idempotencyKey: false, ...(body !== undefined ? { body } : {}) });
}

async function connected(merchant: Merchant, body?: unknown) {
  const issued = await token(merchant, body);
  expect(issued.status, JSON.stringify(issued.body)).toBe(201);
  return connect(`${issued.body.url}?token=${issued.body.token}`);
}

async function subscriptionItems(merchantId: string) {
  const result = await clients().dynamodb.send(new QueryCommand({
    TableName: stack().tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': { S: `WSSUB#${merchantId}` } },
  }));
  return result.Items ?? [];
}

async function connectionItem(connectionId: string) {
  const result = await clients().dynamodb.send(new GetItemCommand({
    TableName: stack().tableName, Key: { pk: { S: `WSCONN#${connectionId}` }, sk: { S: 'CONNECTION' } }, ConsistentRead: true,
  }));
  return result.Item;
}

afterEach(closeAll);

describe('WebSocket receipts', () => {
  it('issues a five-minute token with the WebSocket URL, never cached', async () => {
    const merchant = await fundedMerchant(0n);
    const before = Date.now();
    const issued = await token(merchant);
    const after = Date.now();
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    expect(issued.body).toEqual({ token: expect.stringMatching(/^wst_[A-Za-z0-9_-]{43}$/), expires_at: expect.any(String), url: stack().websocketUrl });
    // Issued between the request and its answer, however slow a cold start on a busy machine is.
    expect(Date.parse(issued.body.expires_at)).toBeGreaterThanOrEqual(before + 300_000);
    expect(Date.parse(issued.body.expires_at)).toBeLessThanOrEqual(after + 300_000);
    expect(issued.headers.get('cache-control')).toBe('no-store');
    expect((await api('POST', '/v1/realtime/tokens', { idempotencyKey: false })).status).toBe(401);
  });

  it('delivers an event of a subscribed payment as exactly the JSON of the event', async () => {
    const merchant = await fundedMerchant(usdc(1));
    const paymentId = await newPayment(merchant);
    const socket = await connected(merchant);

    socket.send({ action: 'subscribe', payment_id: paymentId });
    expect((await socket.frame('subscription ack', (f) => f.object === 'subscription')).json).toEqual({ object: 'subscription', payment_id: paymentId });
    const event = await eventOf(merchant, paymentId);
    const pushed = await pushEvent(pushDeps(), event, merchant.merchant_id);

    expect(pushed).toEqual({ connections: 1 });
    const received = await socket.frame(`event ${event.id}`, (f) => f.id === event.id);
    expect(received.raw).toBe(JSON.stringify(event));
    expect(received.json).toEqual(event);
  });

  it('reaches a merchant-wide subscription, once per connection even when also subscribed to the payment', async () => {
    const merchant = await fundedMerchant(usdc(1));
    const paymentId = await newPayment(merchant);
    const socket = await connected(merchant);
    socket.send({ action: 'subscribe' });
    await socket.frame('merchant-wide ack', (f) => f.object === 'subscription' && f.payment_id === null);
    socket.send({ action: 'subscribe', payment_id: paymentId });
    await socket.frame('payment ack', (f) => f.object === 'subscription' && f.payment_id === paymentId);

    const event = await eventOf(merchant, paymentId);
    expect(await pushEvent(pushDeps(), event, merchant.merchant_id)).toEqual({ connections: 1 });
    await socket.frame(`event ${event.id}`, (f) => f.id === event.id);
    expect(socket.frames.filter((raw) => raw.includes(event.id))).toHaveLength(1);
    // Another merchant's subscribers see nothing of it.
    expect(await pushEvent(pushDeps(), event, (await fundedMerchant(0n)).merchant_id)).toEqual({ connections: 0 });
  });

  it('refuses an unknown, a missing, an expired and a reused token at connect', async () => {
    const merchant = await fundedMerchant(0n);
    const url = stack().websocketUrl;
    expect(await refusedStatus(`${url}?token=wst_${'A'.repeat(43)}`)).toBe(401);
    expect(await refusedStatus(url)).toBe(401);
    expect(await refusedStatus(`${url}?token=sk_test_nonsense`)).toBe(401);

    const past = new Date(Date.now() - 10 * 60_000);
    const expired = await issueRealtimeToken({ ...pushDeps(), now: () => past, tokenTtlMs: 5 * 60_000 }, { merchantId: merchant.merchant_id });
    expect(await refusedStatus(`${url}?token=${expired.token}`)).toBe(401);

    const issued = await token(merchant);
    const first = await connect(`${issued.body.url}?token=${issued.body.token}`);
    expect(await refusedStatus(`${issued.body.url}?token=${issued.body.token}`)).toBe(401);
    await first.close();
  });

  it("answers a subscription to another merchant's payment with an error frame and keeps the connection", async () => {
    const merchant = await fundedMerchant(usdc(1));
    const other = await fundedMerchant(usdc(1));
    const theirs = await newPayment(other);
    const ours = await newPayment(merchant);
    const socket = await connected(merchant);

    socket.send({ action: 'subscribe', payment_id: theirs });
    expect((await socket.frame('refusal', (f) => f.object === 'error')).json).toEqual({
      object: 'error', code: 'payment_not_found', message: `No payment with id ${theirs}.`,
    });
    socket.send({ action: 'subscribe', payment_id: 'pay_nope' });
    await socket.frame('validation refusal', (f) => f.code === 'validation_error');
    socket.send({ action: 'dance' });
    await socket.frame('unknown action', (f) => f.code === 'unknown_action');
    socket.send({ action: 'subscribe', payment_id: ours });
    await socket.frame('ack for our payment', (f) => f.object === 'subscription' && f.payment_id === ours);
    expect(await pushEvent(pushDeps(), await eventOf(other, theirs), other.merchant_id)).toEqual({ connections: 0 });
  });

  it('limits a token issued for a payment to that payment', async () => {
    const merchant = await fundedMerchant(usdc(1));
    const paymentId = await newPayment(merchant);
    expect((await token(merchant, { payment_id: await newPayment(await fundedMerchant(usdc(1))) })).status).toBe(404);
    const socket = await connected(merchant, { payment_id: paymentId });

    socket.send({ action: 'subscribe' });
    expect((await socket.frame('scope refusal', (f) => f.object === 'error')).json.code).toBe('outside_token_scope');
    socket.send({ action: 'subscribe', payment_id: paymentId });
    await socket.frame('ack', (f) => f.object === 'subscription' && f.payment_id === paymentId);
  });

  it('forgets a connection and its subscriptions at $disconnect', async () => {
    const merchant = await fundedMerchant(0n);
    const socket = await connected(merchant);
    socket.send({ action: 'subscribe' });
    await socket.frame('ack', (f) => f.object === 'subscription');
    const [subscription] = await subscriptionItems(merchant.merchant_id);
    const connectionId = subscription!.connectionId!.S!;
    expect(await connectionItem(connectionId)).toBeDefined();

    await socket.close();

    await waitFor('the connection item deleted', async () => ((await connectionItem(connectionId)) ? undefined : true));
    await waitFor('the subscriptions deleted', async () => ((await subscriptionItems(merchant.merchant_id)).length === 0 ? true : undefined));
  });

  it('forgets a connection API Gateway reports gone (410) and still reaches the others', async () => {
    const merchant = await fundedMerchant(usdc(1));
    const paymentId = await newPayment(merchant);
    const live = await connected(merchant);
    live.send({ action: 'subscribe', payment_id: paymentId });
    await live.frame('ack', (f) => f.object === 'subscription');
    // A connection whose $disconnect never ran: its items exist, API Gateway no longer knows it.
    const goneId = `gone-${crypto.randomUUID()}`;
    const deps = pushDeps();
    await openConnection({ ...deps, connectionTtlMs: 3600_000 }, { connectionId: goneId, scope: { merchantId: merchant.merchant_id } });
    await subscribe(deps, goneId, {});

    const event = await eventOf(merchant, paymentId);
    expect(await pushEvent(deps, event, merchant.merchant_id)).toEqual({ connections: 1 });

    await live.frame(`event ${event.id}`, (f) => f.id === event.id);
    expect(await connectionItem(goneId)).toBeUndefined();
    expect((await subscriptionItems(merchant.merchant_id)).map((item) => item.connectionId!.S)).not.toContain(goneId);
  });

  it('reports a connection that fails otherwise and still reaches the others', async () => {
    const merchant = await fundedMerchant(usdc(1));
    const paymentId = await newPayment(merchant);
    const [first, second] = [await connected(merchant), await connected(merchant)];
    for (const socket of [first!, second!]) {
      socket.send({ action: 'subscribe', payment_id: paymentId });
      await socket.frame('ack', (f) => f.object === 'subscription');
    }
    const [broken] = (await subscriptionItems(merchant.merchant_id)).map((item) => item.connectionId!.S!);
    const failures: Parameters<RealtimeDeps['postFailed']>[0][] = [];
    const deps = pushDeps(failures);
    // serverless-offline cannot fail a post other than with 410; a throttle-like failure is injected for one connection.
    deps.management.middlewareStack.add((next) => async (args) => {
      if ((args.input as { ConnectionId?: string }).ConnectionId === broken) throw Object.assign(new Error('Rate exceeded'), { name: 'LimitExceededException' });
      return next(args);
    }, { step: 'initialize', name: 'failOneConnection' });

    const event = await eventOf(merchant, paymentId);
    expect(await pushEvent(deps, event, merchant.merchant_id)).toEqual({ connections: 1 });

    expect(failures).toEqual([expect.objectContaining({ connectionId: broken, eventId: event.id })]);
    expect(await connectionItem(broken!)).toBeDefined();
    await waitFor('the other connection to receive the event', () =>
      [first!, second!].some((socket) => socket.frames.some((raw) => raw.includes(event.id))) || undefined);
  });
});
