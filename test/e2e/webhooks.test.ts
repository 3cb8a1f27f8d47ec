import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { authorizePayment } from '#lib/money/payments/authorize.js';
import { createPaymentBodySchema } from '#lib/money/payments/schemas.js';
import { api } from '../support/api.js';
import { fundedMerchant, paymentDeps, someAddress, usdc } from '../support/deps.js';
import { waitFor } from '../support/wait.js';
import { startReceiver, type ReceivedWebhook } from '../support/webhook-receiver.js';

const receivers: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

async function receiver(...args: Parameters<typeof startReceiver>) {
  const started = await startReceiver(...args);
  receivers.push(started);
  return started;
}

async function register(key: string, url: string, events: string[] = ['*']) {
  const response = await api('POST', '/v1/webhook_endpoints', { key, body: { url, events } });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: string; secret: string; status: string };
}

async function pay(key: string, capture: 'automatic' | 'manual' = 'automatic') {
  const response = await api('POST', '/v1/payments', { key, body: { amount: '1000', asset: 'USDC', chain: 'local-a', destination: someAddress(), capture } });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: string };
}

/** The successful delivery of each event id (the request the receiver answered 2xx). */
function delivered(requests: ReceivedWebhook[]): Map<string, ReceivedWebhook> {
  return new Map(requests.filter((r) => r.status >= 200 && r.status < 300).map((r) => [r.headers['webhook-id']!, r]));
}

const paymentEventIds = async (key: string, paymentId: string) => {
  const events = await api('GET', '/v1/events?limit=100', { key });
  return (events.body.data as { id: string; data: { object: { id: string } } }[]).filter((e) => e.data.object.id === paymentId).map((e) => e.id);
};

describe('signed webhooks through serverless-offline', () => {
  it("delivers every event of a payment's life, signed, with the body GET /v1/events/{id} answers", async () => {
    const merchant = await fundedMerchant(usdc(5));
    const hooks = await receiver();
    const endpoint = await register(merchant.api_key, hooks.url('/all'));
    expect(endpoint).toMatchObject({ object: 'webhook_endpoint', status: 'enabled', events: ['*'], description: null });
    expect(endpoint.secret).toMatch(/^whsec_/);
    const fetched = await api('GET', `/v1/webhook_endpoints/${endpoint.id}`, { key: merchant.api_key });
    expect(fetched.body).not.toHaveProperty('secret');
    expect(fetched.body.id).toBe(endpoint.id);

    const payment = await pay(merchant.api_key);
    const byEvent = await waitFor('authorized, processing and succeeded delivered', () => {
      const types = [...delivered(hooks.received).values()].map((r) => JSON.parse(r.body).type as string);
      return ['payment.authorized', 'payment.processing', 'payment.succeeded'].every((t) => types.includes(t)) ? delivered(hooks.received) : undefined;
    }, { timeoutMs: 40_000 });

    const verifier = new Webhook(endpoint.secret);
    for (const [eventId, request] of byEvent) {
      expect(request.headers['content-type']).toBe('application/json');
      expect(verifier.verify(request.body, request.headers)).toMatchObject({ id: eventId, data: { object: { id: payment.id } } });
      const asApi = await api('GET', `/v1/events/${eventId}`, { key: merchant.api_key });
      expect(request.body).toBe(JSON.stringify(asApi.body));
    }
    const attempts = await api('GET', `/v1/webhook_endpoints/${endpoint.id}/attempts?limit=10`, { key: merchant.api_key });
    expect(attempts.body.data.length).toBeGreaterThanOrEqual(3);
    expect(attempts.body.data[0]).toMatchObject({ object: 'webhook_attempt', status_code: 200, succeeded: true, error: null });
    expect(attempts.body.data.map((a: { id: string }) => a.id)).toEqual([...attempts.body.data.map((a: { id: string }) => a.id)].sort().reverse());
  });

  it('lists, hides from other merchants, refuses unknown types and private URLs, and deletes', async () => {
    const merchant = await fundedMerchant(0n);
    const other = await fundedMerchant(0n);
    const first = await register(merchant.api_key, 'http://127.0.0.1:9/one', ['payment.succeeded']);
    const second = await register(merchant.api_key, 'http://localhost:9/two', ['payment.failed', 'webhook_endpoint.disabled']);
    const list = await api('GET', '/v1/webhook_endpoints?limit=1', { key: merchant.api_key });
    expect(list.body).toMatchObject({ object: 'list', has_more: true, data: [{ id: second.id }] });
    const next = await api('GET', `/v1/webhook_endpoints?starting_after=${second.id}`, { key: merchant.api_key });
    expect(next.body.data.map((e: { id: string }) => e.id)).toEqual([first.id]);

    for (const [method, path] of [['GET', `/v1/webhook_endpoints/${first.id}`], ['DELETE', `/v1/webhook_endpoints/${first.id}`],
      ['POST', `/v1/webhook_endpoints/${first.id}/rotate_secret`], ['GET', `/v1/webhook_endpoints/${first.id}/attempts`]] as const) {
      expect((await api(method, path, { key: other.api_key })).status, `${method} ${path}`).toBe(404);
    }
    const unknownType = await api('POST', '/v1/webhook_endpoints', { key: merchant.api_key, body: { url: 'http://127.0.0.1:9/', events: ['payment.refunded'] } });
    expect(unknownType.status).toBe(400);
    for (const url of ['http://10.0.0.1/hook', 'http://169.254.169.254/latest', 'http://[::ffff:192.168.0.1]/', 'ftp://127.0.0.1/']) {
      const refused = await api('POST', '/v1/webhook_endpoints', { key: merchant.api_key, body: { url, events: ['*'] } });
      expect(refused.status, url).toBe(400);
      expect(refused.body.errors[0].field).toBe('url');
    }
    const deleted = await api('DELETE', `/v1/webhook_endpoints/${first.id}`, { key: merchant.api_key });
    expect(deleted.body).toEqual({ id: first.id, object: 'webhook_endpoint', deleted: true });
    expect((await api('GET', `/v1/webhook_endpoints/${first.id}`, { key: merchant.api_key })).status).toBe(404);
  });

  it('retries a failing endpoint with the same webhook-id until it recovers, losing nothing', async () => {
    const merchant = await fundedMerchant(usdc(5));
    // The first two requests fail, whenever they come: a time window missed them on a slow run.
    const hooks = await receiver((_, received) => ({ status: received.length < 2 ? 500 : 200 }));
    const endpoint = await register(merchant.api_key, hooks.url('/flaky'));
    const payment = await pay(merchant.api_key);

    const eventIds = await waitFor('the payment to succeed', async () => {
      const ids = await paymentEventIds(merchant.api_key, payment.id);
      return ids.length === 3 ? ids : undefined;
    }, { timeoutMs: 40_000 });
    await waitFor('every event delivered', () => (eventIds.every((id) => delivered(hooks.received).has(id)) ? true : undefined), { timeoutMs: 40_000 });

    const retried = eventIds.filter((id) => hooks.received.filter((r) => r.headers['webhook-id'] === id).length > 1);
    expect(retried.length, 'an event first delivered while the endpoint failed').toBeGreaterThan(0);
    const verifier = new Webhook(endpoint.secret);
    for (const request of hooks.received) {
      expect(eventIds).toContain(request.headers['webhook-id']);
      // Each retry is signed afresh for its own timestamp; the id stays.
      expect(() => verifier.verify(request.body, request.headers)).not.toThrow();
    }
    const attempts = await api('GET', `/v1/webhook_endpoints/${endpoint.id}/attempts?limit=100`, { key: merchant.api_key });
    expect(attempts.body.data.some((a: { status_code: number; error: string; attempt: number }) => a.status_code === 500 && a.error === 'HTTP 500')).toBe(true);
    expect(attempts.body.data.some((a: { attempt: number; succeeded: boolean }) => a.attempt > 1 && a.succeeded)).toBe(true);
  });

  it('signs with both secrets for a while after rotate_secret, each verifying with its own', async () => {
    const merchant = await fundedMerchant(usdc(5));
    const hooks = await receiver();
    const endpoint = await register(merchant.api_key, hooks.url('/rotating'), ['payment.authorized']);
    await pay(merchant.api_key, 'manual');
    const first = await waitFor('first delivery', () => hooks.received[0], { timeoutMs: 30_000 });
    expect(first.headers['webhook-signature']!.split(' ')).toHaveLength(1);

    const rotated = await api('POST', `/v1/webhook_endpoints/${endpoint.id}/rotate_secret`, { key: merchant.api_key });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    const redelivery = await api('POST', `/v1/events/${first.headers['webhook-id']}/redeliver`, { key: merchant.api_key });
    expect(redelivery.status).toBe(202);
    expect(redelivery.body).toEqual({ object: 'redelivery', event_id: first.headers['webhook-id'], endpoints: 1 });

    const second = await waitFor('redelivery', () => hooks.received[1], { timeoutMs: 30_000 });
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    const [newSignature, oldSignature] = second.headers['webhook-signature']!.split(' ');
    expect(oldSignature).toBeDefined();
    expect(new Webhook(rotated.body.secret).verify(second.body, { ...second.headers, 'webhook-signature': newSignature! })).toBeTruthy();
    expect(new Webhook(endpoint.secret).verify(second.body, { ...second.headers, 'webhook-signature': oldSignature! })).toBeTruthy();

    const otherMerchant = await fundedMerchant(0n);
    expect((await api('POST', `/v1/events/${first.headers['webhook-id']}/redeliver`, { key: otherMerchant.api_key })).status).toBe(404);
  });

  it('disables an endpoint that answers 410 and tells the merchant with webhook_endpoint.disabled', async () => {
    const merchant = await fundedMerchant(usdc(5));
    const hooks = await receiver((path) => ({ status: path === '/gone' ? 410 : 200 }));
    const gone = await register(merchant.api_key, hooks.url('/gone'), ['payment.authorized']);
    const watcher = await register(merchant.api_key, hooks.url('/watcher'), ['webhook_endpoint.disabled']);
    await pay(merchant.api_key, 'manual');

    const notice = await waitFor('webhook_endpoint.disabled delivered', () => hooks.at('/watcher')[0], { timeoutMs: 30_000 });
    const event = new Webhook(watcher.secret).verify(notice.body, notice.headers) as { type: string; data: { object: { id: string; status: string } } };
    expect(event).toMatchObject({ type: 'webhook_endpoint.disabled', data: { object: { id: gone.id, status: 'disabled' } } });
    expect((await api('GET', `/v1/webhook_endpoints/${gone.id}`, { key: merchant.api_key })).body.status).toBe('disabled');
    expect(hooks.at('/gone')).toHaveLength(1);

    // Disabled endpoints receive nothing more.
    await pay(merchant.api_key, 'manual');
    const events = await api('GET', '/v1/events?limit=1', { key: merchant.api_key });
    const redelivery = await api('POST', `/v1/events/${events.body.data[0].id}/redeliver`, { key: merchant.api_key });
    expect(redelivery.body.endpoints).toBe(0);
  });

  it('does not hold a fast endpoint behind a slow one', async () => {
    const merchant = await fundedMerchant(usdc(5));
    const slowMs = 6_000;
    const hooks = await receiver((path) => ({ status: 200, ...(path === '/slow' ? { delayMs: slowMs } : {}) }));
    const slowEndpoint = await register(merchant.api_key, hooks.url('/slow'), ['payment.authorized']);
    const fastEndpoint = await register(merchant.api_key, hooks.url('/fast'), ['payment.authorized']);
    await pay(merchant.api_key, 'manual');

    const fast = await waitFor('fast delivery', () => hooks.at('/fast')[0], { timeoutMs: 30_000 });
    const slow = await waitFor('slow delivery', () => hooks.at('/slow')[0], { timeoutMs: 30_000 });
    // The fast endpoint had its event before the slow one had even answered.
    expect(fast.receivedAtMs).toBeLessThan(slow.receivedAtMs + slowMs - 1_000);
    const attempt = (id: string) => async () => (await api('GET', `/v1/webhook_endpoints/${id}/attempts`, { key: merchant.api_key })).body.data[0];
    const slowAttempt = await waitFor('the slow answer recorded', attempt(slowEndpoint.id), { timeoutMs: 30_000 });
    const fastAttempt = await waitFor('the fast answer recorded', attempt(fastEndpoint.id), { timeoutMs: 30_000 });
    expect(slowAttempt).toMatchObject({ succeeded: true });
    expect(slowAttempt.latency_ms).toBeGreaterThanOrEqual(slowMs - 100);
    expect(fastAttempt.latency_ms).toBeLessThan(1_000);
  });

  it('delivers 1,000 events across 20 endpoints of two merchants (16 at most each), each exactly once and correctly signed', { timeout: 150_000 }, async () => {
    // Two merchants with 10 endpoints each (a merchant may have 16 at most), 50 payments each.
    const merchants = [await fundedMerchant(usdc(100)), await fundedMerchant(usdc(100))];
    const hooks = await receiver();
    const endpoints = [];
    for (let i = 0; i < 20; i += 1) {
      const owner = merchants[i % 2]!;
      endpoints.push({ path: `/bulk/${i}`, ...(await register(owner.api_key, hooks.url(`/bulk/${i}`), ['payment.authorized'])) });
    }

    // Payments in-process (cheaper than HTTP); their events travel the real outbox → relay → notify → deliver path.
    const deps = paymentDeps();
    for (let i = 0; i < 100; i += 1) {
      const body = createPaymentBodySchema.parse({ amount: '1000', asset: 'USDC', chain: 'local-a', destination: someAddress(), capture: 'manual' });
      const result = await authorizePayment(deps, { merchant: merchants[i % 2]!.profile, idempotencyKey: randomUUID(), fingerprint: randomUUID(), body });
      expect(result.outcome).toBe('created');
    }
    const started = Date.now();
    await waitFor('1,000 deliveries', () => (hooks.received.length >= 1000 ? true : undefined), { timeoutMs: 120_000, intervalMs: 250 });
    console.log(`1,000 webhook deliveries in ${((Date.now() - started) / 1000).toFixed(1)} s after the last payment`);

    for (const endpoint of endpoints) {
      const requests = hooks.at(endpoint.path);
      const ids = new Set(requests.map((r) => r.headers['webhook-id']));
      expect(ids.size, endpoint.path).toBe(50);
      const verifier = new Webhook(endpoint.secret);
      for (const request of requests) expect(() => verifier.verify(request.body, request.headers)).not.toThrow();
    }
    expect(hooks.received).toHaveLength(1000);
  });
});
