import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { afterEach, describe, expect, it } from 'vitest';
import { checkoutEvent } from '#lib/money/charges/public-view.js';
import type { Charge } from '#lib/money/charges/schemas.js';
import type { LanepayEvent } from '#lib/notify/events/schemas.js';
import type { RealtimeDeps } from '#lib/notify/realtime/deps.js';
import { pushEvent } from '#lib/notify/realtime/push.js';
import { newId } from '#lib/platform/ids/index.js';
import { api } from '../support/api.js';
import { clients, fundedMerchant } from '../support/deps.js';
import { localCredentials, stack } from '../support/stack.js';
import { closeAll, connect } from '../support/websocket.js';

type Merchant = Awaited<ReturnType<typeof fundedMerchant>>;

function pushDeps(): RealtimeDeps {
  const info = stack();
  return {
    dynamodb: clients().dynamodb,
    tableName: info.tableName,
    now: () => new Date(),
    management: new ApiGatewayManagementApiClient({ region: info.region, credentials: localCredentials, endpoint: info.websocketUrl.replace(/^ws/, 'http'), maxAttempts: 1 }),
    postFailed: () => undefined,
  };
}

async function newCharge(merchant: Merchant): Promise<Charge> {
  const created = await api('POST', '/v1/charges', { key: merchant.api_key, body: { amount: '1000000', asset: 'USDC', metadata: { order: 'merchant-only' } } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as Charge;
}

/** What the checkout page does: a token from its own public route, then a connection. */
async function checkoutConnection(chargeId: string) {
  const issued = await api('POST', `/checkout/${chargeId}/realtime-token`, { idempotencyKey: false });
  expect(issued.status, JSON.stringify(issued.body)).toBe(201);
  return connect(`${issued.body.url}?token=${issued.body.token}`);
}

function chargeEvent(charge: Charge, type = 'charge.succeeded'): LanepayEvent {
  return { id: newId('evt'), object: 'event', type, created_at: new Date().toISOString(), data: { object: { ...charge, status: 'succeeded', amount_received: charge.amount! } } } as LanepayEvent;
}

afterEach(closeAll);

describe('checkout realtime tokens', () => {
  it("issue without a key a single-use token for the charge, with the charge's public view, never cached", async () => {
    const merchant = await fundedMerchant(0n);
    const charge = await newCharge(merchant);

    const issued = await api('POST', `/checkout/${charge.id}/realtime-token`, { idempotencyKey: false });

    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    expect(issued.headers.get('cache-control')).toBe('no-store');
    expect(issued.body).toMatchObject({ token: expect.stringMatching(/^wst_/), url: stack().websocketUrl, charge: { id: charge.id, status: 'awaiting_payment', amount: '1000000', decimals: 6 } });
    expect(JSON.stringify(issued.body)).not.toContain('merchant-only');
  });

  it('answer an unknown or malformed charge with 404 problem+json', async () => {
    for (const id of [`ch_${'0'.repeat(26)}`, 'nonsense', 'pay_01jabcdefghjkmnpqrstvwxyz0']) {
      const refused = await api('POST', `/checkout/${id}/realtime-token`, { idempotencyKey: false });
      expect(refused.status, id).toBe(404);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body.code).toBe('not_found');
    }
  });

  it('open a connection that may subscribe to its charge only', async () => {
    const merchant = await fundedMerchant(0n);
    const [charge, other] = [await newCharge(merchant), await newCharge(merchant)];
    const socket = await checkoutConnection(charge.id);

    for (const message of [{}, { payment_id: 'pay_01jabcdefghjkmnpqrstvwxyz0' }, { charge_id: other.id }]) {
      const before = socket.frames.length;
      socket.send({ action: 'subscribe', ...message });
      const refusal = await socket.frame(`refusal of ${JSON.stringify(message)}`, (f) => f.object === 'error' && socket.frames.length > before);
      expect(refusal.json.code).toBe('outside_token_scope');
    }
    socket.send({ action: 'subscribe', charge_id: charge.id });
    expect((await socket.frame('ack', (f) => f.object === 'subscription')).json).toEqual({ object: 'subscription', charge_id: charge.id });
  });

  it("deliver the charge's events as the public view, and nothing else, while a merchant connection gets the full event", async () => {
    const merchant = await fundedMerchant(0n);
    const charge = await newCharge(merchant);
    const page = await checkoutConnection(charge.id);
    page.send({ action: 'subscribe', charge_id: charge.id });
    await page.frame('page ack', (f) => f.object === 'subscription');
    const merchantToken = await api('POST', '/v1/realtime/tokens', { key: merchant.api_key, idempotencyKey: false });
    const dashboard = await connect(`${merchantToken.body.url}?token=${merchantToken.body.token}`);
    dashboard.send({ action: 'subscribe', charge_id: charge.id });
    await dashboard.frame('dashboard ack', (f) => f.object === 'subscription' && f.charge_id === charge.id);

    const event = chargeEvent(charge);
    expect(await pushEvent(pushDeps(), event, merchant.merchant_id)).toEqual({ connections: 2 });

    const onPage = await page.frame('the public event', (f) => f.id === event.id);
    expect(onPage.json).toEqual(checkoutEvent(event));
    expect(onPage.raw).not.toContain('merchant-only');
    expect((await dashboard.frame('the full event', (f) => f.id === event.id)).json).toEqual(event);
  });

  it("refuse a merchant connection's subscription to another merchant's charge", async () => {
    const [merchant, other] = [await fundedMerchant(0n), await fundedMerchant(0n)];
    const theirs = await newCharge(other);
    const issued = await api('POST', '/v1/realtime/tokens', { key: merchant.api_key, idempotencyKey: false });
    const socket = await connect(`${issued.body.url}?token=${issued.body.token}`);

    socket.send({ action: 'subscribe', charge_id: theirs.id });

    expect((await socket.frame('refusal', (f) => f.object === 'error')).json).toEqual({ object: 'error', code: 'charge_not_found', message: `No charge with id ${theirs.id}.` });
  });
});
