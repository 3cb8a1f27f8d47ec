import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { newApiKey } from '#lib/merchants/api-keys.js';
import { revokeApiKey } from '#lib/merchants/merchants.js';
import { paymentKey } from '#lib/money/payments/items.js';
import { newId } from '#lib/platform/ids/index.js';
import { api } from '../support/api.js';
import { clients, fundedMerchant, merchantDeps, someAddress, usdc } from '../support/deps.js';
import { stack } from '../support/stack.js';

describe('merchant API through serverless-offline', () => {
  it('funds, authorizes, captures part, lists and reports events with a real API key', async () => {
    const merchant = await fundedMerchant(usdc(50));
    const destination = someAddress();

    const created = await api('POST', '/v1/payments', {
      key: merchant.api_key,
      body: { amount: usdc(20).toString(), asset: 'USDC', chain: 'local-a', destination, capture: 'manual', metadata: { order: 'A-1' } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ object: 'payment', status: 'authorized', amount: '20000000', amount_captured: '0', chain: 'local-a', capture: 'manual', metadata: { order: 'A-1' } });
    expect(created.body.id).toMatch(/^pay_/);
    expect(created.body.expires_at).toBeTruthy();
    expect(created.headers.get('request-id')).toBeTruthy();

    // The HTTP function wrote the payment to DynamoDB.
    const stored = await clients().dynamodb.send(new GetItemCommand({ TableName: stack().tableName, Key: paymentKey(created.body.id) }));
    expect(stored.Item?.status?.S).toBe('authorized');

    let balances = await api('GET', '/v1/balances', { key: merchant.api_key });
    expect(balances.body).toEqual({ object: 'list', data: [{ asset: 'USDC', available: usdc(30).toString(), pending: usdc(20).toString() }], has_more: false });

    const tooMuch = await api('POST', `/v1/payments/${created.body.id}/capture`, { key: merchant.api_key, body: { amount: usdc(25).toString() } });
    expect(tooMuch.status, JSON.stringify(tooMuch.body)).toBe(409);
    expect(tooMuch.body).toMatchObject({ code: 'capture_exceeds_authorized', errors: [{ field: 'amount', message: 'must be at most 20000000' }] });
    const captured = await api('POST', `/v1/payments/${created.body.id}/capture`, { key: merchant.api_key, body: { amount: usdc(15).toString() } });
    expect(captured.status, JSON.stringify(captured.body)).toBe(200);
    expect(captured.body).toMatchObject({ status: 'processing', amount_captured: '15000000', expires_at: null });

    balances = await api('GET', '/v1/balances', { key: merchant.api_key });
    expect(balances.body.data).toEqual([{ asset: 'USDC', available: usdc(35).toString(), pending: '0' }]);

    const second = await api('POST', '/v1/payments', { key: merchant.api_key, body: { amount: '1', asset: 'USDC', chain: 'local-b', destination } });
    expect(second.status).toBe(201);
    const list = await api('GET', '/v1/payments?limit=1', { key: merchant.api_key });
    expect(list.body).toMatchObject({ object: 'list', has_more: true });
    expect(list.body.data.map((p: { id: string }) => p.id)).toEqual([second.body.id]);
    const next = await api('GET', `/v1/payments?limit=5&starting_after=${second.body.id}`, { key: merchant.api_key });
    expect(next.body.data.map((p: { id: string }) => p.id)).toEqual([created.body.id]);
    expect(next.body.has_more).toBe(false);

    const events = await api('GET', '/v1/events?limit=10', { key: merchant.api_key });
    // Either payout may already have succeeded (1 s blocks, a quiet machine): its payment.succeeded is
    // newest, and not what this checks.
    const requestEvents = events.body.data.filter((e: { type: string }) => e.type !== 'payment.succeeded');
    const types = requestEvents.map((e: { type: string }) => e.type);
    expect(types).toEqual(['payment.processing', 'payment.authorized', 'payment.processing', 'payment.authorized']);
    const capturedEvent = requestEvents[2];
    expect(capturedEvent.data.object).toMatchObject({ id: created.body.id, status: 'processing', amount_captured: '15000000' });
    const one = await api('GET', `/v1/events/${capturedEvent.id}`, { key: merchant.api_key });
    expect(one.body).toEqual(capturedEvent);
  });

  it('lists only the payments of a status, a chain and a creation range when asked, newest first, paging within the filter', async () => {
    const merchant = await fundedMerchant(usdc(10));
    const key = merchant.api_key;
    const pay = async (chain: string, capture: 'manual' | 'automatic') => {
      const created = await api('POST', '/v1/payments', { key, body: { amount: '1000', asset: 'USDC', chain, destination: someAddress(), capture } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      return created.body as { id: string; status: string; created_at: string };
    };
    const manualA1 = await pay('local-a', 'manual');
    const manualB = await pay('local-b', 'manual');
    const automaticA = await pay('local-a', 'automatic');
    const manualA2 = await pay('local-a', 'manual');
    const ids = async (query: string) => {
      const page = await api('GET', `/v1/payments?${query}`, { key });
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      return (page.body as { data: { id: string }[]; has_more: boolean });
    };

    expect((await ids('status=authorized&chain=local-a&limit=10')).data.map((p) => p.id)).toEqual([manualA2.id, manualA1.id]);
    expect((await ids('chain=local-b')).data.map((p) => p.id)).toEqual([manualB.id]);
    expect((await ids(`status=${automaticA.status}&chain=local-a`)).data.map((p) => p.id)).toContain(automaticA.id);
    // Within the filter, a page of one says there is more, and the next starts after it.
    const first = await ids('status=authorized&chain=local-a&limit=1');
    expect(first).toEqual({ object: 'list', data: [expect.objectContaining({ id: manualA2.id })], has_more: true });
    expect((await ids(`status=authorized&chain=local-a&limit=1&starting_after=${manualA2.id}`)).data.map((p) => p.id)).toEqual([manualA1.id]);
    // Creation bounds: at or after the second payment's instant, before the fourth's.
    const range = await ids(`created[gte]=${encodeURIComponent(manualB.created_at)}&created[lt]=${encodeURIComponent(new Date(Date.parse(manualA2.created_at)).toISOString())}&limit=10`);
    expect(range.data.map((p) => p.id)).toEqual(expect.arrayContaining([manualB.id]));
    expect(range.data.map((p) => p.id)).not.toContain(manualA1.id);
    expect((await ids(`created[gte]=${encodeURIComponent(new Date(Date.parse(manualA2.created_at) + 60_000).toISOString())}`)).data).toEqual([]);

    const refused = await api('GET', '/v1/payments?status=paid', { key });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'validation_error' });
  });

  it('replays the first response for the same Idempotency-Key and refuses it with a different body', async () => {
    const merchant = await fundedMerchant(usdc(10));
    const body = { amount: '1000', asset: 'USDC', chain: 'local-a', destination: someAddress() };
    const first = await api('POST', '/v1/payments', { key: merchant.api_key, body, idempotencyKey: 'order-42' });
    const again = await api('POST', '/v1/payments', { key: merchant.api_key, body, idempotencyKey: 'order-42' });
    expect(again.status).toBe(first.status);
    expect(again.body).toEqual(first.body);
    const changed = await api('POST', '/v1/payments', { key: merchant.api_key, body: { ...body, amount: '1001' }, idempotencyKey: 'order-42' });
    expect(changed.status).toBe(422);
    expect(changed.body.code).toBe('idempotency_error');
  });

  it('declines with 402 problem+json carrying the recorded payment when funds are short', async () => {
    const merchant = await fundedMerchant(usdc(1));
    const response = await api('POST', '/v1/payments', { key: merchant.api_key, body: { amount: usdc(2).toString(), asset: 'USDC', chain: 'local-a', destination: someAddress() } });
    expect(response.status).toBe(402);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({ code: 'payment_declined', decline_code: 'insufficient_funds', status: 402, payment: { status: 'declined', decline_code: 'insufficient_funds' } });
    const fetched = await api('GET', `/v1/payments/${response.body.payment.id}`, { key: merchant.api_key });
    expect(fetched.body.status).toBe('declined');
  });

  it("answers 404, never 403, for another merchant's payment", async () => {
    const owner = await fundedMerchant(usdc(5));
    const other = await fundedMerchant(0n);
    const created = await api('POST', '/v1/payments', { key: owner.api_key, body: { amount: '5', asset: 'USDC', chain: 'local-a', destination: someAddress(), capture: 'manual' } });
    for (const [method, path] of [['GET', `/v1/payments/${created.body.id}`], ['POST', `/v1/payments/${created.body.id}/capture`], ['POST', `/v1/payments/${created.body.id}/cancel`]] as const) {
      const response = await api(method, path, { key: other.api_key, ...(method === 'POST' ? { body: {} } : {}) });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.body.code).toBe('not_found');
    }
  });

  it('refuses missing, malformed, unknown and revoked keys with 401', async () => {
    const merchant = await fundedMerchant(0n);
    await revokeApiKey(merchantDeps(), merchant.key_id);
    const attempts: Record<string, string>[] = [{}, { Authorization: 'Basic abc' }, { Authorization: `Bearer sk_test_${'x'.repeat(49)}` }, { Authorization: `Bearer ${newApiKey('local', newId('key'))}` }, { Authorization: `Bearer ${merchant.api_key}` }];
    for (const headers of attempts) {
      const response = await api('GET', '/v1/balances', { headers });
      expect(response.status, JSON.stringify(headers)).toBe(401);
    }
  });

  it('serves the OpenAPI document without a key', async () => {
    const response = await api('GET', '/v1/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    expect(Object.keys(response.body.paths)).toContain('/v1/payments/{id}/capture');
  });
});
