import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { api } from '../../support/api.js';
import { chainByName } from '../../support/chain.js';
import { fundedMerchant } from '../../support/deps.js';
import { payerOn, stackWatchDeadlineMs } from '../../support/pay-ins.js';
import { waitFor } from '../../support/wait.js';

describe('the charges API on the local stack', () => {
  it('opens, replays, reads, lists and cancels charges; a paid charge is credited by the stack\'s chain-watch', async () => {
    const merchant = await fundedMerchant(0n);
    const key = merchant.api_key;
    const idempotencyKey = randomUUID();
    const created = await api('POST', '/v1/charges', { key, idempotencyKey, body: { amount: '2500000', asset: 'USDC', description: 'Order 7' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ object: 'charge', status: 'awaiting_payment', amount: '2500000', asset: 'USDC', amount_received: '0', description: 'Order 7' });
    expect(created.body.id).toMatch(/^ch_[0-9a-z]{26}$/);
    expect(created.body.addresses.map((a: { chain: string }) => a.chain).sort()).toEqual(['local-a', 'local-b']);
    expect(created.body.hosted_url).toMatch(new RegExp(`/checkout/${created.body.id}$`));
    expect(Date.parse(created.body.expires_at) - Date.parse(created.body.created_at)).toBe(30 * 60_000);

    const replay = await api('POST', '/v1/charges', { key, idempotencyKey, body: { amount: '2500000', asset: 'USDC', description: 'Order 7' } });
    // A replay answers exactly what the first request got, as payments do.
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(created.body);
    expect((await api('POST', '/v1/charges', { key, idempotencyKey, body: { asset: 'USDC' } })).status).toBe(422);
    expect((await api('POST', '/v1/charges', { key, body: { asset: 'DOGE' } })).status).toBe(400);
    expect((await api('POST', '/v1/charges', { key, body: { asset: 'USDC', chains: ['nowhere'] } })).status).toBe(400);
    expect((await api('POST', '/v1/charges', { key, body: { asset: 'USDC', expires_in: 90_000 } })).status).toBe(400);

    const other = await api('POST', '/v1/charges', { key, body: { asset: 'USDC' } });
    expect(other.body).toMatchObject({ amount: null, expires_at: null });
    const canceled = await api('POST', `/v1/charges/${other.body.id}/cancel`, { key, idempotencyKey: false });
    expect(canceled.status).toBe(200);
    expect(canceled.body).toMatchObject({ status: 'canceled' });
    expect((await api('POST', `/v1/charges/${other.body.id}/cancel`, { key, idempotencyKey: false })).body.status).toBe('canceled');
    expect((await api('GET', `/v1/charges/ch_${'0'.repeat(26)}`, { key })).status).toBe(404);
    const stranger = await fundedMerchant(0n);
    expect((await api('GET', `/v1/charges/${created.body.id}`, { key: stranger.api_key })).status).toBe(404);
    const list = await api('GET', '/v1/charges?limit=1', { key });
    expect(list.body).toMatchObject({ object: 'list', has_more: true });
    expect(list.body.data[0].id).toBe(other.body.id);

    const address = created.body.addresses.find((a: { chain: string }) => a.chain === 'local-b').deposit_address;
    const payer = await payerOn(chainByName('local-b'));
    await payer.pay(address, 2_500_000n);
    const paid = await waitFor('the charge credited by chain-watch', async () => {
      const read = await api('GET', `/v1/charges/${created.body.id}`, { key });
      return read.body.status === 'succeeded' ? read.body : undefined;
    }, { timeoutMs: stackWatchDeadlineMs, intervalMs: 1000 });
    expect(paid).toMatchObject({ amount_received: '2500000', fee: '0', flags: [] });
    expect(paid.deposits[0]).toMatchObject({ chain: 'local-b', status: 'credited', amount: '2500000' });
    expect(paid).toMatchObject({ deposit_count: 1, dust_count: 0, dust_amount: '0' });
    const deposits = await api('GET', `/v1/charges/${created.body.id}/deposits?limit=10`, { key });
    expect(deposits.status).toBe(200);
    expect(deposits.body).toEqual({ object: 'list', data: paid.deposits, has_more: false });
    expect((await api('GET', `/v1/charges/${created.body.id}/deposits`, { key: stranger.api_key })).status).toBe(404);
    expect((await api('GET', `/v1/charges/${created.body.id}/deposits?starting_after=nope`, { key })).status).toBe(400);
    const balances = await api('GET', '/v1/balances', { key });
    expect(balances.body.data.find((b: { asset: string }) => b.asset === 'USDC').available).toBe('2500000');
    const events = await api('GET', '/v1/events?limit=20', { key });
    const types = events.body.data.filter((e: { data: { object: { id: string } } }) => e.data.object.id === created.body.id).map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['charge.created', 'charge.succeeded']));
    const cancel = await api('POST', `/v1/charges/${created.body.id}/cancel`, { key, idempotencyKey: false });
    expect(cancel.status).toBe(409);
    expect(cancel.body.code).toBe('charge_not_cancelable');
  }, 240_000);

  it('pages a charge\'s deposits with limit and starting_after: every deposit exactly once, newest first, has_more true on every page but the last', async () => {
    const merchant = await fundedMerchant(0n);
    const key = merchant.api_key;
    const topUp = await api('POST', '/v1/charges', { key, body: { asset: 'USDC', chains: ['local-b'] } });
    expect(topUp.status).toBe(201);
    const payer = await payerOn(chainByName('local-b'));
    // One transfer a block, so the watcher records them (and gives their time-ordered ids) in this order.
    const amounts = [1_000_000n, 1_100_000n, 1_200_000n, 1_300_000n, 1_400_000n];
    for (const amount of amounts) await payer.pay(topUp.body.addresses[0].deposit_address, amount);
    const total = amounts.reduce((sum, amount) => sum + amount, 0n);
    const paid = await waitFor('five deposits credited by chain-watch', async () => {
      const read = await api('GET', `/v1/charges/${topUp.body.id}`, { key });
      return read.body.amount_received === total.toString() && read.body.amount_pending === '0' ? read.body : undefined;
    }, { timeoutMs: stackWatchDeadlineMs, intervalMs: 1000 });
    expect(paid.deposit_count).toBe(5);
    // The charge embeds its first deposits oldest first; the list is newest first.
    const newestFirst = [...paid.deposits].reverse();
    expect(newestFirst.map((d: { amount: string }) => d.amount)).toEqual([...amounts].reverse().map(String));

    for (const limit of [1, 2, 3, 4, 5, 6]) {
      const pages: { data: unknown[]; has_more: boolean }[] = [];
      let after: string | undefined;
      do {
        const query = `limit=${limit}${after ? `&starting_after=${after}` : ''}`;
        const page = await api('GET', `/v1/charges/${topUp.body.id}/deposits?${query}`, { key });
        expect(page.status, JSON.stringify(page.body)).toBe(200);
        pages.push(page.body);
        after = page.body.has_more ? page.body.data.at(-1).id : undefined;
      } while (after && pages.length <= amounts.length);
      const expectedSizes = Array.from({ length: Math.ceil(amounts.length / limit) }, (_, i) => Math.min(limit, amounts.length - i * limit));
      expect(pages.map((p) => p.data.length), `limit ${limit}`).toEqual(expectedSizes);
      expect(pages.map((p) => p.has_more), `limit ${limit}`).toEqual(expectedSizes.map((_, i) => i < expectedSizes.length - 1));
      expect(pages.flatMap((p) => p.data), `limit ${limit}`).toEqual(newestFirst);
    }
  }, 240_000);
});
