import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '#lib/compliance/customers/customers.js';
import { createVerification } from '#lib/compliance/customers/verifications.js';
import { api } from '../support/api.js';
import { cliAgainstTestStack } from '../support/cli.js';
import { fundedMerchant, someAddress, usdc } from '../support/deps.js';
import { cleanIdentity, customerDeps, uniqueCnResidentId } from '../support/kyc.js';
import { waitFor } from '../support/wait.js';

/**
 * Issue 19, attack 1: escaping sanctions screening by trying again. Every attack goes through the
 * merchant API of the test stack, against the OFAC snapshot it loads at start (data/ofac).
 */
type Merchant = Awaited<ReturnType<typeof fundedMerchant>>;
let merchant: Merchant;
let cli: ReturnType<typeof cliAgainstTestStack>;

beforeAll(async () => {
  merchant = await fundedMerchant(usdc(10_000));
  cli = cliAgainstTestStack();
  // kyc-check's first decision loads the whole SDN index (seconds on a loaded machine): paid here,
  // so each test's 30 s wait for a decision measures the behaviour, not a cold start.
  await verify((await newCustomer()).id, cleanIdentity(), { timeoutMs: 100_000 });
});
afterAll(() => cli?.cleanup());

// A listed person (SDN entry 20157), with an ID number of their own.
const listedBirth = '1984-01-08';
const listed = (number = uniqueCnResidentId(listedBirth)) =>
  cleanIdentity({ name: 'Kim Jong Un', birth_date: listedBirth, document: { type: 'cn_resident_id', number } });

async function newCustomer() {
  const created = await api('POST', '/v1/customers', { key: merchant.api_key, body: {} });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { id: string };
}

function submit(customerId: string, body: unknown) {
  return api('POST', `/v1/customers/${customerId}/verifications`, { key: merchant.api_key, body });
}

async function verify(customerId: string, body: unknown, { timeoutMs = 30_000 } = {}) {
  const started = await submit(customerId, body);
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  return waitFor(`verification ${started.body.id} decided`, async () => {
    const read = await api('GET', `/v1/customers/${customerId}/verifications/${started.body.id}`, { key: merchant.api_key });
    return read.body.status !== 'processing' ? read.body : undefined;
  }, { timeoutMs, intervalMs: 250 });
}

async function kycStatus(customerId: string): Promise<string> {
  return (await api('GET', `/v1/customers/${customerId}`, { key: merchant.api_key })).body.kyc_status;
}

const samePersonOtherName = (number: string) =>
  cleanIdentity({ name: 'Quentin Harrowgate Pell', birth_date: listedBirth, document: { type: 'cn_resident_id', number } });

describe('sanctions screening cannot be escaped by trying again', () => {
  it('refuses a second verification of a customer held for a sanctions match, under another name with the same ID number', async () => {
    const customer = await newCustomer();
    const number = uniqueCnResidentId(listedBirth);
    const first = await verify(customer.id, listed(number));
    expect(first).toMatchObject({ status: 'review', reasons: ['sanctions_match'] });

    const again = await submit(customer.id, samePersonOtherName(number));

    expect(again.status, JSON.stringify(again.body)).toBe(409);
    expect(again.body.code).toBe('customer_in_review');
    expect(await kycStatus(customer.id)).toBe('review');
  });

  it('refuses any new verification of a rejected customer, even a clean one', async () => {
    const customer = await newCustomer();
    const number = uniqueCnResidentId('1988-03-14');
    const wrongCheck = number.slice(0, 17) + (number[17] === '0' ? '1' : '0');
    expect(await verify(customer.id, cleanIdentity({ document: { type: 'cn_resident_id', number: wrongCheck } }))).toMatchObject({ status: 'rejected' });

    const again = await submit(customer.id, cleanIdentity());

    expect(again.status, JSON.stringify(again.body)).toBe(409);
    expect(again.body.code).toBe('customer_rejected');
    expect(await kycStatus(customer.id)).toBe('rejected');
  });

  it('releases a held customer only through the operator: `lanepay kyc resolve` approves, and a new verification is taken again', async () => {
    const customer = await newCustomer();
    const held = await verify(customer.id, listed());
    const run = await cli.run(['kyc', 'resolve', '--verification', held.id, '--decision', 'approved', '--note', 'namesake, passport seen', '--actor', 'ops-bob']);
    expect(run.code, run.stderr).toBe(0);
    expect(await kycStatus(customer.id)).toBe('approved');
    expect((await submit(customer.id, listed())).status).toBe(202);
  });

  it('refuses a second verification while the first is still processing, so a later clean one cannot overtake a sanctions match', async () => {
    const merchantId = merchant.merchant_id;
    const deps = customerDeps();
    const customer = await createCustomer(deps, { merchantId, idempotencyKey: randomUUID(), fingerprint: randomUUID(), body: {} });
    // No queue to ask: the first stays processing (until the sweep, a minute later).
    await createVerification({ ...deps, checkQueueUrl: 'http://127.0.0.1:1/none' }, { merchantId, idempotencyKey: randomUUID(), fingerprint: randomUUID(), customerId: customer.id, body: listed() });

    const overtaking = await submit(customer.id, cleanIdentity());

    expect(overtaking.status, JSON.stringify(overtaking.body)).toBe(409);
    expect(overtaking.body.code).toBe('verification_processing');
    expect(await kycStatus(customer.id)).toBe('processing');
  });

  it("sends a new customer giving a held customer's ID number under another name to review: document_reused and name_changed", async () => {
    const number = uniqueCnResidentId(listedBirth);
    const holder = await newCustomer();
    expect(await verify(holder.id, listed(number))).toMatchObject({ status: 'review' });

    const other = await newCustomer();
    const decided = await verify(other.id, samePersonOtherName(number));

    expect(decided).toMatchObject({ status: 'review', sanctions_matches: [] });
    expect([...decided.reasons].sort()).toEqual(['document_reused', 'name_changed']);
    expect(await kycStatus(other.id)).toBe('review');
  });

  it('sends an approved customer re-verifying the same ID number under another name to review: name_changed', async () => {
    const customer = await newCustomer();
    const first = cleanIdentity({ document: { type: 'cn_resident_id', number: uniqueCnResidentId('1988-03-14') } });
    expect(await verify(customer.id, first)).toMatchObject({ status: 'approved' });

    const decided = await verify(customer.id, { ...first, name: 'Quentin Harrowgate Pell' });

    expect(decided).toMatchObject({ status: 'review', reasons: ['name_changed'] });
    expect(await kycStatus(customer.id)).toBe('review');
  });

  it('approves the same customer re-verifying the same ID number under the same name, written another way', async () => {
    const customer = await newCustomer();
    const first = cleanIdentity({ name: 'Quillon Farthingale Abel', document: { type: 'cn_resident_id', number: uniqueCnResidentId('1988-03-14') } });
    expect(await verify(customer.id, first)).toMatchObject({ status: 'approved' });

    const decided = await verify(customer.id, { ...first, name: 'FARTHINGALE,  Quillon Abel' });

    expect(decided).toMatchObject({ status: 'approved', reasons: [] });
  });

  it('keeps a held customer held when their personal data is erased', async () => {
    const customer = await newCustomer();
    await verify(customer.id, listed());

    const erased = await api('DELETE', `/v1/customers/${customer.id}/pii`, { key: merchant.api_key });

    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    expect(erased.body).toMatchObject({ kyc_status: 'review', pii_erased_at: expect.any(String) });
    expect((await submit(customer.id, cleanIdentity())).body.code).toBe('customer_in_review');
  });
});

describe('a payout naming a held customer is declined at any amount', () => {
  const payout = (customer: string) => ({ amount: usdc(1).toString(), asset: 'USDC', chain: 'local-a', destination: someAddress(), customer });

  it('declines a 1 USDC payout naming a customer in review with kyc_review', async () => {
    const customer = await newCustomer();
    await verify(customer.id, listed());

    const paid = await api('POST', '/v1/payments', { key: merchant.api_key, body: payout(customer.id) });

    expect(paid.status, JSON.stringify(paid.body)).toBe(402);
    expect(paid.body.decline_code).toBe('kyc_review');
  });

  it('declines a 1 USDC payout naming a rejected customer with kyc_rejected', async () => {
    const customer = await newCustomer();
    const number = uniqueCnResidentId('1988-03-14');
    await verify(customer.id, cleanIdentity({ document: { type: 'cn_resident_id', number: number.slice(0, 17) + (number[17] === '0' ? '1' : '0') } }));

    const paid = await api('POST', '/v1/payments', { key: merchant.api_key, body: payout(customer.id) });

    expect(paid.status, JSON.stringify(paid.body)).toBe(402);
    expect(paid.body.decline_code).toBe('kyc_rejected');
  });

  it('refuses to capture a payout authorized before its customer was held: 409 kyc_review, the payment stays authorized', async () => {
    const customer = await newCustomer();
    const authorized = await api('POST', '/v1/payments', { key: merchant.api_key, body: { ...payout(customer.id), capture: 'manual' } });
    expect(authorized.status, JSON.stringify(authorized.body)).toBe(201);
    expect(await verify(customer.id, listed())).toMatchObject({ status: 'review' });

    const captured = await api('POST', `/v1/payments/${authorized.body.id}/capture`, { key: merchant.api_key, body: {} });

    expect(captured.status, JSON.stringify(captured.body)).toBe(409);
    expect(captured.body.code).toBe('kyc_review');
    expect((await api('GET', `/v1/payments/${authorized.body.id}`, { key: merchant.api_key })).body.status).toBe('authorized');
  });

  it('still pays 1 USDC naming a customer who has not verified yet (below the threshold)', async () => {
    const customer = await newCustomer();

    const paid = await api('POST', '/v1/payments', { key: merchant.api_key, body: payout(customer.id) });

    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
  });
});
