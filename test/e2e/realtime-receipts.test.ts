import { describe, expect, it } from 'vitest';
import { api } from '../support/api.js';
import { fundedMerchant, someAddress, usdc } from '../support/deps.js';
import { stack } from '../support/stack.js';
import { connect } from '../support/websocket.js';

describe('WebSocket receipts through the whole pipeline', () => {
  it('shows a checkout page payment.processing and payment.succeeded for its payment as they happen', async () => {
    const merchant = await fundedMerchant(usdc(10));
    const created = await api('POST', '/v1/payments', {
      key: merchant.api_key,
      body: { amount: '2500000', asset: 'USDC', chain: 'local-a', destination: someAddress(), capture: 'manual' },
    });
    expect(created.status).toBe(201);
    const token = await api('POST', '/v1/realtime/tokens', { key: merchant.api_key, body: { payment_id: created.body.id }, idempotencyKey: false });
    expect(token.status, JSON.stringify(token.body)).toBe(201);
    const socket = await connect(`${stack().websocketUrl}?token=${token.body.token}`);
    socket.send({ action: 'subscribe', payment_id: created.body.id });
    await socket.frame('the subscription confirmed', (frame) => frame.object === 'subscription' && frame.payment_id === created.body.id);

    const captured = await api('POST', `/v1/payments/${created.body.id}/capture`, { key: merchant.api_key, body: {} });
    expect(captured.status).toBe(200);

    // Generous deadlines: in a full test run the local queues carry every other test's events too.
    const processing = await socket.frame('payment.processing', (frame) => frame.type === 'payment.processing' && frame.data?.object?.id === created.body.id, 60_000);
    const succeeded = await socket.frame('payment.succeeded', (frame) => frame.type === 'payment.succeeded' && frame.data?.object?.id === created.body.id, 90_000);
    const events = await api('GET', '/v1/events?limit=10', { key: merchant.api_key });
    // The same JSON a webhook carries: the event exactly as the events API returns it.
    expect(processing.json).toEqual(events.body.data.find((e: { id: string }) => e.id === processing.json.id));
    expect(succeeded.json.data.object.tx_hash).toMatch(/^0x[0-9a-f]{64}$/);
    await socket.close();
  }, 180_000);
});
