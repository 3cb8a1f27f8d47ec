import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readRefunded } from '#lib/money/refunds/create.js';
import { api } from '../../support/api.js';
import { clients, containerDeps, fundedMerchant, someAddress, usdc } from '../../support/deps.js';
import { expectChargeRefundsHold, expectLedgerBalanced } from '../../support/ledger-invariants.js';
import { creditedCharge, raceRefunds, refundWithRetries } from '../../support/refunds.js';
import { stack } from '../../support/stack.js';

const deps = () => ({ dynamodb: clients().dynamodb, tableName: stack().tableName });

describe('refunds through the API', () => {
  it('refunds part of a credited charge: 201 linked to its charge and its payout, readable by id, listed newest first on the charge and the merchant; the same Idempotency-Key answers 200 with the same refund', async () => {
    const merchant = await fundedMerchant(usdc(100));
    const charge = await creditedCharge(merchant.api_key, { amountMinor: usdc(10), receivedMinor: usdc(10) });
    const destination = someAddress();
    const key = randomUUID();
    const first = await api('POST', `/v1/charges/${charge.id}/refunds`, { key: merchant.api_key, body: { amount: '4000000', destination, reason: 'requested_by_customer' }, idempotencyKey: key });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ object: 'refund', status: 'processing', amount: '4000000', asset: 'USDC', chain: 'local-a', charge: charge.id, reason: 'requested_by_customer', tx_hash: null });
    expect(first.body.id).toMatch(/^re_[0-9a-z]{26}$/);
    const replay = await api('POST', `/v1/charges/${charge.id}/refunds`, { key: merchant.api_key, body: { amount: '4000000', destination, reason: 'requested_by_customer' }, idempotencyKey: key });
    expect(replay.status).toBe(200);
    expect(replay.body.id).toBe(first.body.id);

    const payout = await api('GET', `/v1/payments/${first.body.payout}`, { key: merchant.api_key });
    expect(payout.body).toMatchObject({ amount: '4000000', chain: 'local-a', capture: 'automatic' });
    expect(payout.body.destination.toLowerCase()).toBe(destination.toLowerCase());
    expect(payout.body.description).toBe(`Refund ${first.body.id} of charge ${charge.id}`);

    const rest = await api('POST', `/v1/charges/${charge.id}/refunds`, { key: merchant.api_key, body: { destination } });
    expect(rest.status, JSON.stringify(rest.body)).toBe(201);
    expect(rest.body.amount).toBe('6000000');
    const byId = await api('GET', `/v1/refunds/${first.body.id}`, { key: merchant.api_key });
    expect(byId.body.id).toBe(first.body.id);
    const onCharge = await api('GET', `/v1/charges/${charge.id}/refunds?limit=1`, { key: merchant.api_key });
    expect(onCharge.body.data.map((r: { id: string }) => r.id)).toEqual([rest.body.id]);
    expect(onCharge.body.has_more).toBe(true);
    const next = await api('GET', `/v1/charges/${charge.id}/refunds?limit=1&starting_after=${rest.body.id}`, { key: merchant.api_key });
    expect(next.body).toMatchObject({ data: [{ id: first.body.id }], has_more: false });
    const all = await api('GET', '/v1/refunds', { key: merchant.api_key });
    expect(all.body.data.map((r: { id: string }) => r.id)).toEqual([rest.body.id, first.body.id]);

    const more = await api('POST', `/v1/charges/${charge.id}/refunds`, { key: merchant.api_key, body: { amount: '1', destination } });
    expect(more.status).toBe(409);
    expect(more.body).toMatchObject({ code: 'refund_exceeds_charge', refundable: '0' });
    expect(await readRefunded(deps(), charge.id)).toBe(usdc(10));
    await expectChargeRefundsHold(charge.id);
  });

  it('20 refunds of one charge at once from 20 containers: exactly the 6 that fit are accepted, the other 14 get 409 refund_exceeds_charge, and the charge\'s refunded total is the sum of the accepted', async () => {
    const merchant = await fundedMerchant(usdc(100));
    const charge = await creditedCharge(merchant.api_key, { amountMinor: usdc(10), receivedMinor: usdc(10) });
    const outcomes = await raceRefunds(containerDeps(20), merchant.profile, charge.id, Array.from({ length: 20 }, () => ({ amount: '1500000', destination: someAddress() })));
    expect(outcomes.map((o) => o.status).sort(), JSON.stringify(outcomes.filter((o) => o.status !== 201 && o.status !== 409))).toEqual([...Array(6).fill(201), ...Array(14).fill(409)]);
    for (const refused of outcomes.filter((o) => o.status === 409)) expect(refused.problem!.code).toBe('refund_exceeds_charge');
    expect(await readRefunded(deps(), charge.id)).toBe(6n * 1_500_000n);
    const listed = await api('GET', `/v1/charges/${charge.id}/refunds?limit=100`, { key: merchant.api_key });
    expect(listed.body.data.map((r: { id: string }) => r.id).sort()).toEqual(outcomes.filter((o) => o.refund).map((o) => o.refund!.id).sort());
    const balance = await api('GET', '/v1/balances', { key: merchant.api_key });
    expect(balance.body.data[0].available).toBe((usdc(100) - 6n * 1_500_000n).toString());
    await expectLedgerBalanced();
    await expectChargeRefundsHold(charge.id);
  }, 120_000);

  it('20 refunds of one charge at once through the API: 6 answered 201, 14 answered 409 refund_exceeds_charge', async () => {
    const merchant = await fundedMerchant(usdc(100));
    const charge = await creditedCharge(merchant.api_key, { amountMinor: usdc(10), receivedMinor: usdc(10) });
    const responses = await Promise.all(Array.from({ length: 20 }, () =>
      refundWithRetries(merchant.api_key, charge.id, { amount: '1500000', destination: someAddress() }, randomUUID())));
    expect(responses.map((r) => r.status).sort()).toEqual([...Array(6).fill(201), ...Array(14).fill(409)]);
    for (const refused of responses.filter((r) => r.status === 409)) expect(refused.body.code).toBe('refund_exceeds_charge');
    expect(await readRefunded(deps(), charge.id)).toBe(6n * 1_500_000n);
    await expectChargeRefundsHold(charge.id);
  }, 120_000);

  it('"excess" refunds exactly what an overpaid charge received over its amount, once: a second gets 409 no_excess, and a top-up has none', async () => {
    const merchant = await fundedMerchant(usdc(100));
    const charge = await creditedCharge(merchant.api_key, { amountMinor: usdc(5), receivedMinor: 5_750_000n });
    const excess = await api('POST', `/v1/charges/${charge.id}/refunds`, { key: merchant.api_key, body: { amount: 'excess', destination: someAddress() } });
    expect(excess.status, JSON.stringify(excess.body)).toBe(201);
    expect(excess.body.amount).toBe('750000');
    const again = await api('POST', `/v1/charges/${charge.id}/refunds`, { key: merchant.api_key, body: { amount: 'excess', destination: someAddress() } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('no_excess');
    const topUp = await creditedCharge(merchant.api_key, { amountMinor: null, receivedMinor: usdc(3) });
    const none = await api('POST', `/v1/charges/${topUp.id}/refunds`, { key: merchant.api_key, body: { amount: 'excess', destination: someAddress() } });
    expect(none.body.code).toBe('no_excess');
  });

  it('refuses what it cannot pay: a charge that credited nothing (409 charge_not_refundable), a balance short of the refund (402 insufficient_funds), one above the KYC threshold of a charge naming no customer (402 kyc_required), another merchant\'s charge (404), a chain the charge did not offer (400)', async () => {
    const merchant = await fundedMerchant(usdc(1));
    const open = await api('POST', '/v1/charges', { key: merchant.api_key, body: { amount: '1000000', asset: 'USDC', chains: ['local-a'] } });
    const nothing = await api('POST', `/v1/charges/${open.body.id}/refunds`, { key: merchant.api_key, body: { destination: someAddress() } });
    expect(nothing.status).toBe(409);
    expect(nothing.body.code).toBe('charge_not_refundable');

    const charge = await creditedCharge(merchant.api_key, { amountMinor: usdc(5), receivedMinor: usdc(5) });
    const short = await api('POST', `/v1/charges/${charge.id}/refunds`, { key: merchant.api_key, body: { destination: someAddress() } });
    expect(short.status).toBe(402);
    expect(short.body).toMatchObject({ code: 'refund_declined', decline_code: 'insufficient_funds' });
    expect(await readRefunded(deps(), charge.id)).toBe(0n);

    const rich = await fundedMerchant(usdc(5_000));
    const large = await creditedCharge(rich.api_key, { amountMinor: usdc(2_000), receivedMinor: usdc(2_000) });
    const noKyc = await api('POST', `/v1/charges/${large.id}/refunds`, { key: rich.api_key, body: { destination: someAddress() } });
    expect(noKyc.status).toBe(402);
    expect(noKyc.body).toMatchObject({ code: 'refund_declined', decline_code: 'kyc_required' });

    const other = await fundedMerchant(usdc(100));
    const foreign = await api('POST', `/v1/charges/${charge.id}/refunds`, { key: other.api_key, body: { destination: someAddress() } });
    expect(foreign.status).toBe(404);
    const wrongChain = await api('POST', `/v1/charges/${charge.id}/refunds`, { key: merchant.api_key, body: { destination: someAddress(), chain: 'local-b' } });
    expect(wrongChain.status).toBe(400);
    expect(wrongChain.body.code).toBe('validation_error');
  });
});
