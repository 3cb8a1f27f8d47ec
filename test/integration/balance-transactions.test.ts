import { describe, expect, it } from 'vitest';
import { api } from '../support/api.js';
import { chainByName } from '../support/chain.js';
import { fundedMerchant, someAddress, usdc } from '../support/deps.js';
import { expectLedgerBalanced } from '../support/ledger-invariants.js';
import { payerOn, stackWatchDeadlineMs } from '../support/pay-ins.js';
import { waitFor } from '../support/wait.js';

interface Txn { id: string; type: string; amount: string; fee: string; net: string; asset: string; source: string; chain: string | null; tx_hash: string | null; balance_after: string; created: string }

async function waitForPayment(key: string, id: string, statuses: string[]) {
  return waitFor(`payment ${id} to reach ${statuses.join('/')}`, async () => {
    const read = await api('GET', `/v1/payments/${id}`, { key });
    return statuses.includes(read.body.status) ? read.body : undefined;
  }, { timeoutMs: 150_000, intervalMs: 500 });
}

describe('GET /v1/balance_transactions on the local stack', () => {
  it('lists every movement of a merchant\'s balance after a sandbox credit, payouts, a canceled hold and a paid charge; their nets sum to the balance', async () => {
    const merchant = await fundedMerchant(usdc(100), (p) => ({ ...p, fee: { bps: 50, fixedMinor: '7' } }));
    const key = merchant.api_key;
    const pay = async (body: Record<string, string>) => {
      const created = await api('POST', '/v1/payments', { key, body: { asset: 'USDC', destination: someAddress(), ...body } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      return created.body as { id: string; fee: string };
    };
    const automatic = await pay({ amount: '12345678', chain: 'local-a' });
    const captured = await pay({ amount: '4000000', chain: 'local-a', capture: 'manual' });
    expect((await api('POST', `/v1/payments/${captured.id}/capture`, { key, body: { amount: '1000000' } })).body.status).toBe('processing');
    const canceled = await pay({ amount: '3000000', chain: 'local-b', capture: 'manual' });
    expect((await api('POST', `/v1/payments/${canceled.id}/cancel`, { key, idempotencyKey: false })).body.status).toBe('canceled');

    const charge = await api('POST', '/v1/charges', { key, body: { amount: '2500000', asset: 'USDC' } });
    expect(charge.status).toBe(201);
    const address = charge.body.addresses.find((a: { chain: string }) => a.chain === 'local-b').deposit_address;
    await (await payerOn(chainByName('local-b'))).pay(address, 2_500_000n);
    const paidCharge = await waitFor('the charge credited', async () => {
      const read = await api('GET', `/v1/charges/${charge.body.id}`, { key });
      return read.body.status === 'succeeded' ? read.body : undefined;
    }, { timeoutMs: stackWatchDeadlineMs, intervalMs: 1000 });
    for (const id of [automatic.id, captured.id]) expect((await waitForPayment(key, id, ['succeeded', 'failed'])).status).toBe('succeeded');
    const automaticPayment = (await api('GET', `/v1/payments/${automatic.id}`, { key })).body as { fee: string; tx_hash: string };
    const capturedPayment = (await api('GET', `/v1/payments/${captured.id}`, { key })).body as { fee: string; tx_hash: string };
    const [automaticFee, capturedFee] = [automaticPayment.fee, capturedPayment.fee];
    expect([automaticPayment.tx_hash, capturedPayment.tx_hash]).toEqual([expect.stringMatching(/^0x[0-9a-f]{64}$/), expect.stringMatching(/^0x[0-9a-f]{64}$/)]);

    const list = await api('GET', '/v1/balance_transactions?limit=100', { key });
    expect(list.status).toBe(200);
    expect(list.body.has_more).toBe(false);
    const data = list.body.data as Txn[];
    // Newest first: the charge's credit (last to land), then the capture, the automatic payout's fee and amount, the credit.
    expect(data.map((t) => [t.type, t.source])).toEqual([
      ['charge', charge.body.id],
      ['payment', captured.id],
      ['payout_fee', automatic.id],
      ['payment', automatic.id],
      ['top_up', data[4]!.source],
    ]);
    expect(data[0]).toMatchObject({ amount: '2500000', fee: paidCharge.fee, net: (2_500_000n - BigInt(paidCharge.fee)).toString(), chain: 'local-b', asset: 'USDC' });
    expect(data[0]!.tx_hash).toBe(paidCharge.deposits[0].tx_hash);
    // A payout's entries carry the hash of the transaction that paid it, once it succeeded.
    expect(data[1]).toMatchObject({ amount: '-1000000', fee: capturedFee, net: (-1_000_000n - BigInt(capturedFee)).toString(), chain: 'local-a', tx_hash: capturedPayment.tx_hash });
    expect(data[2]).toMatchObject({ amount: `-${automaticFee}`, fee: '0', net: `-${automaticFee}`, tx_hash: automaticPayment.tx_hash });
    expect(data[3]).toMatchObject({ amount: '-12345678', fee: '0', net: '-12345678', chain: 'local-a', tx_hash: automaticPayment.tx_hash });
    expect(data[4]).toMatchObject({ amount: '100000000', fee: '0', net: '100000000', chain: null, balance_after: '100000000', tx_hash: null });
    expect(data.map((t) => t.id)).toEqual(data.map((t) => t.id).sort().reverse());
    for (const [index, t] of data.entries()) {
      const older = data[index + 1];
      expect(BigInt(t.balance_after) - BigInt(t.net)).toBe(older ? BigInt(older.balance_after) : 0n);
    }

    const balance = (await api('GET', '/v1/balances', { key })).body.data.find((b: { asset: string }) => b.asset === 'USDC');
    const balanceMinor = BigInt(balance.available) + BigInt(balance.pending);
    expect(data.reduce((sum, t) => sum + BigInt(t.net), 0n)).toBe(balanceMinor);
    expect(BigInt(data[0]!.balance_after)).toBe(balanceMinor);

    // Filters and pages.
    const bySource = await api('GET', `/v1/balance_transactions?source=${automatic.id}`, { key });
    expect(bySource.body.data.map((t: Txn) => t.id)).toEqual([data[2]!.id, data[3]!.id]);
    expect((await api('GET', `/v1/balance_transactions?source=${canceled.id}`, { key })).body.data).toEqual([]);
    const byType = await api('GET', '/v1/balance_transactions?type=payment', { key });
    expect(byType.body.data.map((t: Txn) => t.id)).toEqual([data[1]!.id, data[3]!.id]);
    const first = await api('GET', '/v1/balance_transactions?limit=2', { key });
    expect(first.body).toMatchObject({ has_more: true });
    const second = await api('GET', `/v1/balance_transactions?limit=2&starting_after=${first.body.data[1].id}`, { key });
    expect(second.body.data.map((t: Txn) => t.id)).toEqual([data[2]!.id, data[3]!.id]);
    const typedPage = await api('GET', `/v1/balance_transactions?type=payment&limit=1&starting_after=${data[1]!.id}`, { key });
    expect(typedPage.body).toEqual({ object: 'list', data: [data[3]], has_more: false });
    const since = await api('GET', `/v1/balance_transactions?created[gte]=${encodeURIComponent(data[1]!.created)}`, { key });
    expect(since.body.data.map((t: Txn) => t.id)).toEqual(data.filter((t) => t.created >= data[1]!.created).map((t) => t.id));
    const before = await api('GET', `/v1/balance_transactions?created[lt]=${encodeURIComponent(data[3]!.created)}`, { key });
    expect(before.body.data.map((t: Txn) => t.id)).toEqual(data.filter((t) => t.created < data[3]!.created).map((t) => t.id));

    // Another merchant sees none of them; a bad filter is a 400.
    const stranger = await fundedMerchant(0n);
    expect((await api('GET', '/v1/balance_transactions', { key: stranger.api_key })).body).toEqual({ object: 'list', data: [], has_more: false });
    expect((await api('GET', '/v1/balance_transactions?type=bonus', { key })).status).toBe(400);
    expect((await api('GET', '/v1/balance_transactions?starting_after=pay_1', { key })).status).toBe(400);
    await expectLedgerBalanced();
  }, 300_000);
});
