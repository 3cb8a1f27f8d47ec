import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lanepay, LanepayAuthenticationError, LanepayConflictError, LanepayNotFoundError, LanepayPaymentDeclinedError } from '../../sdk/src/index.js';
import { fundedMerchant, someAddress, usdc } from '../support/deps.js';
import { buildSdk, freePort, runExample, type ExampleRun } from '../support/sdk.js';
import { stack } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

const running: ExampleRun[] = [];
beforeAll(buildSdk, 60_000);
afterAll(async () => {
  await Promise.all(running.map((run) => run.stop()));
});

describe('the SDK examples against the local stack', () => {
  it('pays out with sdk/examples/payout.ts while sdk/examples/webhook-receiver.ts verifies every webhook of it', async () => {
    const merchant = await fundedMerchant(usdc(50));
    const lanepay = new Lanepay({ apiKey: merchant.api_key, baseUrl: stack().apiUrl });
    const port = await freePort();
    const endpoint = await lanepay.webhookEndpoints.create({ url: `http://127.0.0.1:${port}/hooks`, events: ['*'] });
    const receiver = runExample('webhook-receiver', { LANEPAY_WEBHOOK_SECRET: endpoint.secret, PORT: String(port) });
    running.push(receiver);
    await waitFor('the receiver listening', () => (receiver.output().includes('listening') ? true : undefined));

    const payout = runExample('payout', { LANEPAY_API_KEY: merchant.api_key, LANEPAY_BASE_URL: stack().apiUrl }, [someAddress()]);
    running.push(payout);
    expect(await payout.exited, payout.output()).toBe(0);
    const lines = payout.output().trim().split('\n');
    // payment.authorized may come too, and pushes are not ordered: it was written before the
    // subscription, so its push may land after processing. Succeeded ends the example.
    const types = lines.map((line) => line.split(' ')[0]);
    expect(types).toContain('payment.processing');
    expect(types.at(-1)).toBe('payment.succeeded');
    const [, paymentId, txHash] = lines.at(-1)!.split(' ');
    expect(txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect((await lanepay.payments.retrieve(paymentId!)).status).toBe('succeeded');

    // Deliveries run through the queues: wait for all three, each verified by the receiver.
    await waitFor('the receiver to verify authorized, processing and succeeded', () =>
      ['payment.authorized', 'payment.processing', 'payment.succeeded'].every((type) => receiver.output().includes(`${type} ${paymentId}`)) ? true : undefined,
    { timeoutMs: 60_000 });
    const attempts = await lanepay.webhookEndpoints.attempts(endpoint.id).toArray();
    expect(attempts.filter((attempt) => attempt.succeeded && attempt.status_code === 204).length).toBeGreaterThanOrEqual(3);
  }, 120_000);

  it('answers typed errors from the real API and walks real pages', async () => {
    const merchant = await fundedMerchant(usdc(1));
    const lanepay = new Lanepay({ apiKey: merchant.api_key, baseUrl: stack().apiUrl });
    const made = [];
    for (let i = 0; i < 3; i += 1) {
      made.push(await lanepay.payments.create({ amount: '1000', asset: 'USDC', chain: 'local-a', destination: someAddress(), capture: 'manual' }));
    }
    const listed = [];
    for await (const payment of lanepay.payments.list({ limit: 2 })) listed.push(payment.id);
    expect(listed).toEqual(made.map((p) => p.id).reverse());

    const canceled = await lanepay.payments.cancel(made[0]!.id);
    expect(canceled.status).toBe('canceled');
    await expect(lanepay.payments.capture(made[0]!.id)).rejects.toBeInstanceOf(LanepayConflictError);
    const missing = await lanepay.payments.retrieve('pay_00000000000000000000000000').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(LanepayNotFoundError);
    expect(missing).toMatchObject({ status: 404, code: 'not_found', type: 'https://lanepay.dev/problems/not_found' });
    const declined = await lanepay.payments.create({ amount: usdc(5).toString(), asset: 'USDC', chain: 'local-a', destination: someAddress() }).catch((e: unknown) => e);
    expect(declined).toBeInstanceOf(LanepayPaymentDeclinedError);
    expect(declined).toMatchObject({ extra: { decline_code: 'insufficient_funds', payment: { status: 'declined' } } });
    const stranger = new Lanepay({ apiKey: 'sk_test_not_a_real_key_000000000000000000000000', baseUrl: stack().apiUrl });
    await expect(stranger.balances.retrieve()).rejects.toBeInstanceOf(LanepayAuthenticationError);
  }, 60_000);

  it('manages webhook endpoints, redelivers an event and issues a realtime token through the SDK', async () => {
    const merchant = await fundedMerchant(usdc(1));
    const lanepay = new Lanepay({ apiKey: merchant.api_key, baseUrl: stack().apiUrl });
    const first = await lanepay.webhookEndpoints.create({ url: 'http://127.0.0.1:9/one', events: ['payment.succeeded'] });
    const second = await lanepay.webhookEndpoints.create({ url: 'http://127.0.0.1:9/two', events: ['*'], description: 'all' });
    expect(first.secret).toMatch(/^whsec_/);
    expect(await lanepay.webhookEndpoints.retrieve(first.id)).not.toHaveProperty('secret');
    expect(await lanepay.webhookEndpoints.list({ limit: 1 }).toArray()).toEqual([
      expect.objectContaining({ id: second.id }), expect.objectContaining({ id: first.id }),
    ]);
    const rotated = await lanepay.webhookEndpoints.rotateSecret(first.id);
    expect(rotated.secret).not.toBe(first.secret);
    expect(await lanepay.webhookEndpoints.delete(first.id)).toEqual({ id: first.id, object: 'webhook_endpoint', deleted: true });
    await expect(lanepay.webhookEndpoints.retrieve(first.id)).rejects.toBeInstanceOf(LanepayNotFoundError);

    const payment = await lanepay.payments.create({ amount: '1000', asset: 'USDC', chain: 'local-a', destination: someAddress(), capture: 'manual' });
    const [event] = (await lanepay.events.list({ limit: 1 })).data;
    expect(event).toMatchObject({ type: 'payment.authorized', data: { object: { id: payment.id } } });
    expect(await lanepay.events.redeliver(event!.id)).toEqual({ object: 'redelivery', event_id: event!.id, endpoints: 1 });
    const token = await lanepay.realtime.createToken({ payment_id: payment.id });
    expect(token).toMatchObject({ token: expect.any(String), url: stack().websocketUrl });
  }, 60_000);
});
