import { GetItemCommand, PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditDeps } from '#lib/audit/deps.js';
import { evmAnchorer } from '#lib/audit/evm-anchor.js';
import { closePeriod } from '#lib/audit/period.js';
import { readMerchantDigests, readMerchantLog } from '#lib/audit/reads.js';
import { auditLanePartition, recordSortKey } from '#lib/audit/record.js';
import { api } from '../support/api.js';
import { chainRegistry, clients, fundedMerchant, someAddress } from '../support/deps.js';
import { cleanIdentity, cnResidentId, verifiedCustomer } from '../support/kyc.js';
import { stack } from '../support/stack.js';
import { waitFor } from '../support/wait.js';
import { startReceiver } from '../support/webhook-receiver.js';

const platformProfile = (p: any) => ({ ...p, platform: true });
const reader = () => ({ dynamodb: clients().dynamodb, tableName: stack().tableName });
const auditActions = async (merchantId: string) => (await readMerchantLog(reader(), merchantId)).map((r) => ({ action: r.body.action, actor: r.body.actor, object: r.body.object }));

describe('KYC review queue and resolution through the API', () => {
  let platform: Awaited<ReturnType<typeof fundedMerchant>>;
  let shop: Awaited<ReturnType<typeof fundedMerchant>>;
  let inReview: Awaited<ReturnType<typeof verifiedCustomer>>;
  const listed = { name: 'Kim Jong Un', birth_date: '1984-01-08', document: { type: 'cn_resident_id' as const, number: cnResidentId('1984-01-08') } };
  const verification = async () => (await api('GET', `/v1/customers/${inReview.customer.id}/verifications/${inReview.verification.id}`, { key: shop.api_key })).body;

  beforeAll(async () => {
    [platform, shop] = await Promise.all([fundedMerchant(0n, platformProfile), fundedMerchant(0n)]);
    inReview = await verifiedCustomer(shop.merchant_id, cleanIdentity(listed));
    expect(inReview.verification.status).toBe('review');
  }, 60_000);

  it('lists the verification in review for the platform merchant with its reason codes and no personal data', async () => {
    const reviews = await api('GET', '/v1/kyc/reviews?limit=100', { key: platform.api_key });
    expect(reviews.status, JSON.stringify(reviews.body)).toBe(200);
    const entry = reviews.body.data.find((r: any) => r.id === inReview.verification.id);
    expect(entry).toEqual({
      id: inReview.verification.id, object: 'kyc_review', merchant_id: shop.merchant_id, customer_id: inReview.customer.id, status: 'review',
      reason_codes: ['sanctions_match'], sanctions_matches: 1, created_at: inReview.verification.created_at, decided_at: inReview.verification.decided_at,
    });
    const text = JSON.stringify(reviews.body);
    for (const secret of ['Kim', listed.birth_date, listed.document.number, listed.document.number.slice(-4)]) expect(text).not.toContain(secret);
  });

  it('answers 403 platform_only to another merchant, for the queue and for resolving, and changes nothing', async () => {
    const queue = await api('GET', '/v1/kyc/reviews', { key: shop.api_key });
    expect(queue.status).toBe(403);
    expect(queue.body.code).toBe('platform_only');
    const resolve = await api('POST', `/v1/kyc/verifications/${inReview.verification.id}/resolve`, { key: shop.api_key, body: { decision: 'approved', note: 'self-service' } });
    expect(resolve.status).toBe(403);
    expect(resolve.body.code).toBe('platform_only');
    expect((await verification()).status).toBe('review');
  });

  it('refuses a malformed resolution with 400 and an unknown verification with 404, writing nothing', async () => {
    const path = `/v1/kyc/verifications/${inReview.verification.id}/resolve`;
    for (const body of [{ decision: 'maybe', note: 'x' }, { decision: 'approved' }, { decision: 'approved', note: '   ' }, { decision: 'approved', note: 'x', actor: 'me' }]) {
      const refused = await api('POST', path, { key: platform.api_key, body });
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.code).toBe('validation_error');
    }
    expect((await api('POST', '/v1/kyc/verifications/kyv_nope/resolve', { key: platform.api_key, body: { decision: 'approved', note: 'x' } })).status).toBe(400);
    expect((await api('POST', '/v1/kyc/verifications/kyv_01jzzzzzzzzzzzzzzzzzzzzzzz/resolve', { key: platform.api_key, body: { decision: 'approved', note: 'x' } })).status).toBe(404);
    expect((await api('GET', '/v1/kyc/reviews?limit=0', { key: platform.api_key })).status).toBe(400);
    expect(await verification()).toMatchObject({ status: 'review', resolution: null });
  });

  it('resolves it as `lanepay kyc resolve` does, recorded as made by the platform merchant\'s key; it leaves the queue and cannot be resolved twice', async () => {
    const resolved = await api('POST', `/v1/kyc/verifications/${inReview.verification.id}/resolve`, { key: platform.api_key, body: { decision: 'rejected', note: 'confirmed listed person' } });
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    expect(resolved.body).toMatchObject({
      id: inReview.verification.id, status: 'rejected', decided_by: 'operator',
      resolution: { decision: 'rejected', note: 'confirmed listed person', actor: `api_key:${platform.key_id}`, resolved_at: expect.any(String) },
    });
    expect((await api('GET', `/v1/customers/${inReview.customer.id}`, { key: shop.api_key })).body.kyc_status).toBe('rejected');
    expect((await auditActions(shop.merchant_id)).filter((r) => r.action === 'kyc.verification_rejected').at(-1)).toEqual({
      action: 'kyc.verification_rejected', actor: { type: 'api_key', id: platform.key_id }, object: { type: 'customer.verification', id: inReview.verification.id },
    });
    const reviews = await api('GET', '/v1/kyc/reviews?limit=100', { key: platform.api_key });
    expect(reviews.body.data.map((r: any) => r.id)).not.toContain(inReview.verification.id);
    const again = await api('POST', `/v1/kyc/verifications/${inReview.verification.id}/resolve`, { key: platform.api_key, body: { decision: 'approved', note: 'x' } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('verification_not_resolvable');

    const timeline = await api('GET', `/v1/events?object_id=${inReview.verification.id}`, { key: shop.api_key });
    expect(timeline.body.data.map((e: any) => e.type)).toEqual(['customer.verification.rejected', 'customer.verification.review']);
  });
});

describe('GET /v1/customers/{id}/pii', () => {
  let shop: Awaited<ReturnType<typeof fundedMerchant>>;
  let other: Awaited<ReturnType<typeof fundedMerchant>>;

  beforeAll(async () => {
    [shop, other] = await Promise.all([fundedMerchant(0n), fundedMerchant(0n)]);
  });

  const reveals = async (merchantId: string) => (await auditActions(merchantId)).filter((r) => r.action === 'customer.pii_revealed');

  it('shows the latest verification\'s personal data and first writes an audit record naming who asked', async () => {
    const identity = cleanIdentity({ address: { line1: '17 Wutong Lane', city: 'Hangzhou', country: 'CN' } });
    const { customer, verification } = await verifiedCustomer(shop.merchant_id, identity);
    const revealed = await api('GET', `/v1/customers/${customer.id}/pii`, { key: shop.api_key });
    expect(revealed.status, JSON.stringify(revealed.body)).toBe(200);
    expect(revealed.body).toEqual({
      object: 'customer_pii', customer: customer.id, verification: verification.id, name: identity.name, birth_date: identity.birth_date,
      document: identity.document, phone: identity.phone, address: identity.address, revealed_at: expect.any(String),
    });
    expect(await reveals(shop.merchant_id)).toEqual([{ action: 'customer.pii_revealed', actor: { type: 'api_key', id: shop.key_id }, object: { type: 'customer', id: customer.id } }]);

    const elsewhere = await api('GET', `/v1/customers/${customer.id}/pii`, { key: other.api_key });
    expect(elsewhere.status).toBe(404);
    expect(await reveals(shop.merchant_id)).toHaveLength(1);
    expect(await reveals(other.merchant_id)).toEqual([]);
  });

  it('refuses a customer whose data was erased (410 pii_erased) and one without a verification (404), recording no reveal', async () => {
    const { customer } = await verifiedCustomer(shop.merchant_id);
    const before = (await reveals(shop.merchant_id)).length;
    // 202 while the erasure runs past its time budget (a loaded machine): asked again, it goes on until 200.
    await waitFor('the erasure to complete', async () => {
      const erased = await api('DELETE', `/v1/customers/${customer.id}/pii`, { key: shop.api_key });
      expect([200, 202], JSON.stringify(erased.body)).toContain(erased.status);
      return erased.status === 200 ? true : undefined;
    }, { timeoutMs: 60_000, intervalMs: 500 });
    const refused = await api('GET', `/v1/customers/${customer.id}/pii`, { key: shop.api_key });
    expect(refused.status).toBe(410);
    expect(refused.body.code).toBe('pii_erased');

    const bare = await api('POST', '/v1/customers', { key: shop.api_key, body: {} });
    expect((await api('GET', `/v1/customers/${bare.body.id}/pii`, { key: shop.api_key })).status).toBe(404);
    expect((await api('GET', '/v1/customers/cus_nope/pii', { key: shop.api_key })).status).toBe(400);
    expect((await reveals(shop.merchant_id)).length).toBe(before);
  });
});

describe('a payment\'s timeline and its webhook deliveries', () => {
  let shop: Awaited<ReturnType<typeof fundedMerchant>>;
  let other: Awaited<ReturnType<typeof fundedMerchant>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let endpointId: string;

  beforeAll(async () => {
    [shop, other] = await Promise.all([fundedMerchant(100_000_000n), fundedMerchant(100_000_000n)]);
    receiver = await startReceiver();
    const endpoint = await api('POST', '/v1/webhook_endpoints', { key: shop.api_key, body: { url: receiver.url('/hooks'), events: ['*'] } });
    expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
    endpointId = endpoint.body.id;
  });
  afterAll(() => receiver?.close());

  const pay = (key: string) => api('POST', '/v1/payments', { key, body: { amount: '1000000', asset: 'USDC', chain: 'local-a', destination: someAddress(), capture: 'manual' } });

  it('lists the events about one payment, newest first, and pages them', async () => {
    const payment = (await pay(shop.api_key)).body;
    const neighbour = (await pay(shop.api_key)).body;
    expect((await api('POST', `/v1/payments/${payment.id}/cancel`, { key: shop.api_key })).status).toBe(200);

    const timeline = await api('GET', `/v1/events?object_id=${payment.id}`, { key: shop.api_key });
    expect(timeline.status, JSON.stringify(timeline.body)).toBe(200);
    expect(timeline.body.data.map((e: any) => [e.type, e.data.object.id])).toEqual([['payment.canceled', payment.id], ['payment.authorized', payment.id]]);
    expect(timeline.body.has_more).toBe(false);
    expect(timeline.body.data.map((e: any) => e.data.object.id)).not.toContain(neighbour.id);

    const first = await api('GET', `/v1/events?object_id=${payment.id}&limit=1`, { key: shop.api_key });
    expect(first.body).toMatchObject({ data: [{ type: 'payment.canceled' }], has_more: true });
    const second = await api('GET', `/v1/events?object_id=${payment.id}&limit=1&starting_after=${first.body.data[0].id}`, { key: shop.api_key });
    expect(second.body).toMatchObject({ data: [{ type: 'payment.authorized' }], has_more: false });

    expect((await api('GET', `/v1/events?object_id=${payment.id}`, { key: other.api_key })).body.data).toEqual([]);
    expect((await api('GET', '/v1/events?object_id=mer_01jzzzzzzzzzzzzzzzzzzzzzzz', { key: shop.api_key })).status).toBe(400);
    // Shaped like an id but not a ULID (Schemathesis found it a 500): its time cannot be read.
    const notUlid = await api('GET', '/v1/events?object_id=re_b5a5jmyvtyywhlwx0y6e9vc0dq', { key: shop.api_key });
    expect(notUlid.status).toBe(400);
    expect(notUlid.body).toMatchObject({ code: 'validation_error' });
  });

  it('lists an event\'s delivery attempts with status, latency and endpoint; another merchant gets 404', async () => {
    const payment = (await pay(shop.api_key)).body;
    const event = (await api('GET', `/v1/events?object_id=${payment.id}`, { key: shop.api_key })).body.data[0];
    expect(event.type).toBe('payment.authorized');
    const attempts = await waitFor('the delivery attempt recorded', async () => {
      const read = await api('GET', `/v1/events/${event.id}/attempts`, { key: shop.api_key });
      return read.body.data?.length > 0 ? read : undefined;
    }, { timeoutMs: 30_000, intervalMs: 250 });
    expect(attempts.status).toBe(200);
    expect(attempts.body).toEqual({
      object: 'list', has_more: false,
      data: [{
        id: expect.stringMatching(/^wa_/), object: 'webhook_attempt', event_id: event.id, attempt: 1, created_at: expect.any(String), status_code: 200,
        latency_ms: expect.any(Number), error: null, succeeded: true, endpoint: { id: endpointId, url: receiver.url('/hooks') },
      }],
    });
    expect(receiver.received.filter((r) => r.body.includes(event.id))).toHaveLength(1);
    expect((await api('GET', `/v1/events/${event.id}/attempts`, { key: other.api_key })).status).toBe(404);
    expect((await api('GET', '/v1/events/evt_nope/attempts', { key: shop.api_key })).status).toBe(400);
  });
});

describe('GET /v1/audit/status', () => {
  function auditDeps(): AuditDeps {
    const { dynamodb, kms } = clients();
    return {
      dynamodb, kms, tableName: stack().tableName, signingKeyId: stack().keys.AuditSigningKey!,
      anchorer: evmAnchorer(kms, chainRegistry().chains[0]!, stack().keys.AuditAnchorKey!), now: () => new Date(),
    };
  }

  it('answers 403 platform_only to a merchant that is not the platform', async () => {
    const shop = await fundedMerchant(0n);
    const refused = await api('GET', '/v1/audit/status', { key: shop.api_key });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('platform_only');
  });

  it('shows the last closed period, its anchor and the verification of the merchant\'s lanes in it; a record changed since reads as broken', async () => {
    const platform = await fundedMerchant(1_000_000n, platformProfile);
    const records = await readMerchantLog(reader(), platform.merchant_id);
    const close = auditDeps();
    try {
      await waitFor('the last closed period covers the merchant\'s records', async () => {
        await closePeriod(close);
        const digests = await readMerchantDigests(reader(), platform.merchant_id);
        return records.every((r) => digests.some((d) => d.lane === r.body.lane && d.first_seq <= r.body.seq && r.body.seq <= d.last_seq)) || undefined;
      }, { timeoutMs: 90_000, intervalMs: 500 });
    } finally {
      close.anchorer.destroy();
    }
    const lanes = [...new Set(records.map((r) => r.body.lane))].sort((a, b) => a - b);

    const status = await api('GET', '/v1/audit/status', { key: platform.api_key });
    expect(status.status, JSON.stringify(status.body)).toBe(200);
    expect(status.body).toMatchObject({
      object: 'audit_status', merchant_id: platform.merchant_id,
      period: { id: expect.any(String), root: expect.stringMatching(/^[0-9a-f]{64}$/) },
      anchor: { chain: chainRegistry().chains[0]!.name, tx_hash: expect.stringMatching(/^0x[0-9a-f]{64}$/), explorer_url: null },
      verification: { ok: true, records_checked: records.length, broken: null, anchor_checked: false },
    });
    expect(status.body.lanes.map((l: any) => [l.lane, l.status])).toEqual(lanes.map((lane) => [lane, 'ok']));

    const target = records[0]!.body;
    const Key = { pk: { S: auditLanePartition(platform.merchant_id, target.lane) }, sk: { S: recordSortKey(target.seq) } };
    const { Item } = await clients().dynamodb.send(new GetItemCommand({ TableName: stack().tableName, Key, ConsistentRead: true })) as { Item: Record<string, AttributeValue> };
    await clients().dynamodb.send(new PutItemCommand({ TableName: stack().tableName, Item: { ...Item, at: { S: '2020-01-01T00:00:00.000Z' } } }));
    const broken = await api('GET', `/v1/audit/status?merchant_id=${platform.merchant_id}`, { key: platform.api_key });
    expect(broken.body.verification).toMatchObject({ ok: false, broken: { kind: 'changed', lane: target.lane, seq: target.seq } });
    expect(broken.body.lanes.find((l: any) => l.lane === target.lane).status).toBe('broken');
    expect((await api('GET', '/v1/audit/status?merchant_id=nope', { key: platform.api_key })).status).toBe(400);
  });
});
