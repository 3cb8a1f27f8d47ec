import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rescreenApproved } from '#lib/compliance/customers/rescreen.js';
import { api } from '../support/api.js';
import { cliAgainstTestStack } from '../support/cli.js';
import { clients, fundedMerchant, someAddress, usdc } from '../support/deps.js';
import { cleanIdentity, cnResidentId, kycCheckDeps } from '../support/kyc.js';
import { stack, stackLogDir } from '../support/stack.js';
import { waitFor } from '../support/wait.js';
import { startReceiver } from '../support/webhook-receiver.js';

type Merchant = Awaited<ReturnType<typeof fundedMerchant>>;
let merchant: Merchant;
let other: Merchant;
let cli: ReturnType<typeof cliAgainstTestStack>;

beforeAll(async () => {
  [merchant, other] = await Promise.all([fundedMerchant(usdc(10_000)), fundedMerchant(0n)]);
  cli = cliAgainstTestStack();
});
afterAll(() => cli?.cleanup());

async function newCustomer(key = merchant.api_key) {
  const created = await api('POST', '/v1/customers', { key, body: { external_id: `ext-${randomUUID()}` } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { id: string; kyc_status: string };
}

async function verify(customerId: string, body: unknown) {
  const started = await api('POST', `/v1/customers/${customerId}/verifications`, { key: merchant.api_key, body });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  expect(started.body).toMatchObject({ object: 'customer.verification', status: 'processing' });
  return waitFor(`verification ${started.body.id} decided`, async () => {
    const read = await api('GET', `/v1/customers/${customerId}/verifications/${started.body.id}`, { key: merchant.api_key });
    return read.body.status !== 'processing' ? read.body : undefined;
  }, { timeoutMs: 30_000, intervalMs: 250 });
}

async function scanAll(): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await clients().dynamodb.send(new ScanCommand({ TableName: stack().tableName, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

describe('customers and KYC verifications over the API', () => {
  it('creates, reads and lists customers; another merchant gets 404 for all of them', async () => {
    const customer = await newCustomer();
    expect(customer).toMatchObject({ id: expect.stringMatching(/^cus_[0-9a-z]{26}$/), object: 'customer', kyc_status: 'none', verification: null });
    expect((await api('GET', `/v1/customers/${customer.id}`, { key: merchant.api_key })).body).toEqual(customer);
    const listed = await api('GET', '/v1/customers?limit=100', { key: merchant.api_key });
    expect(listed.body.data.map((c: { id: string }) => c.id)).toContain(customer.id);

    const theirs = await api('GET', `/v1/customers/${customer.id}`, { key: other.api_key });
    expect(theirs.status).toBe(404);
    expect(theirs.headers.get('content-type')).toContain('application/problem+json');
    const theirVerification = await api('POST', `/v1/customers/${customer.id}/verifications`, { key: other.api_key, body: cleanIdentity() });
    expect(theirVerification.status).toBe(404);
    expect((await api('DELETE', `/v1/customers/${customer.id}/pii`, { key: other.api_key })).status).toBe(404);
    expect((await api('GET', '/v1/customers?limit=100', { key: other.api_key })).body.data).toEqual([]);
  });

  it('replays a POST with the same Idempotency-Key and refuses a POST without one', async () => {
    const key = randomUUID();
    const first = await api('POST', '/v1/customers', { key: merchant.api_key, body: { email: 'a@example.com' }, idempotencyKey: key });
    const again = await api('POST', '/v1/customers', { key: merchant.api_key, body: { email: 'a@example.com' }, idempotencyKey: key });
    expect(again.body.id).toBe(first.body.id);

    const identity = cleanIdentity();
    const verificationKey = randomUUID();
    const started = await api('POST', `/v1/customers/${first.body.id}/verifications`, { key: merchant.api_key, body: identity, idempotencyKey: verificationKey });
    const replayed = await api('POST', `/v1/customers/${first.body.id}/verifications`, { key: merchant.api_key, body: identity, idempotencyKey: verificationKey });
    expect(replayed.status).toBe(202);
    expect(replayed.body.id).toBe(started.body.id);
    const changed = await api('POST', `/v1/customers/${first.body.id}/verifications`, { key: merchant.api_key, body: { ...identity, name: 'Someone Else' }, idempotencyKey: verificationKey });
    expect(changed.status).toBe(422);
    expect((await api('POST', '/v1/customers', { key: merchant.api_key, body: {}, idempotencyKey: false })).status).toBe(400);
  });

  it('refuses structurally bad identity data with 400 problem+json and writes nothing', async () => {
    const customer = await newCustomer();
    const before = await scanAll();
    const valid = cleanIdentity();
    const bad = [
      { ...valid, name: undefined },
      { ...valid, birth_date: 19880314 },
      { ...valid, document: { type: 'driving_licence', number: '123' } },
      { ...valid, document: { type: 'passport', mrz: ['P<UTOERIKSSON<<ANNA', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'] } },
      { ...valid, unexpected: true },
    ];
    for (const body of bad) {
      const response = await api('POST', `/v1/customers/${customer.id}/verifications`, { key: merchant.api_key, body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body).toMatchObject({ code: 'validation_error', type: expect.stringContaining('validation_error') });
      expect(JSON.stringify(response.body)).not.toContain(valid.document.type === 'cn_resident_id' ? valid.document.number : '');
    }
    const after = await scanAll();
    const touching = (items: Record<string, AttributeValue>[]) => items.filter((i) => i.customerId?.S === customer.id).map((i) => `${i.pk!.S}|${i.version?.N}`);
    expect(touching(after)).toEqual(touching(before));
    expect((await api('GET', `/v1/customers/${customer.id}`, { key: merchant.api_key })).body).toMatchObject({ kyc_status: 'none', verification: null });
  });

  it('records well-formed data that fails a check as rejected, with its reason codes', async () => {
    const customer = await newCustomer();
    const number = cnResidentId('1988-03-14');
    const wrongCheck = number.slice(0, 17) + (number[17] === '0' ? '1' : '0');
    const decided = await verify(customer.id, cleanIdentity({ document: { type: 'cn_resident_id', number: wrongCheck }, phone: '+86 123' }));
    expect(decided).toMatchObject({ status: 'rejected', decided_by: 'system', document: { type: 'cn_resident_id', number_last4: wrongCheck.slice(-4) } });
    expect(decided.reasons).toEqual(expect.arrayContaining(['document_checksum', 'phone_invalid']));
    expect((await api('GET', `/v1/customers/${customer.id}`, { key: merchant.api_key })).body.kyc_status).toBe('rejected');
  });

  it('gates payments above the KYC threshold: no customer and an unapproved one are declined, an approved one passes', async () => {
    const body = { amount: usdc(1_500).toString(), asset: 'USDC', chain: 'local-a', destination: someAddress() };
    const anonymous = await api('POST', '/v1/payments', { key: merchant.api_key, body });
    expect(anonymous.status).toBe(402);
    expect(anonymous.body.decline_code).toBe('kyc_required');

    const customer = await newCustomer();
    const unapproved = await api('POST', '/v1/payments', { key: merchant.api_key, body: { ...body, customer: customer.id } });
    expect(unapproved.body.decline_code).toBe('kyc_required');
    const unknown = await api('POST', '/v1/payments', { key: merchant.api_key, body: { ...body, customer: 'cus_01jzzzzzzzzzzzzzzzzzzzzzzz' } });
    expect(unknown.status).toBe(400);

    const decided = await verify(customer.id, cleanIdentity());
    expect(decided).toMatchObject({ status: 'approved', reasons: [], sanctions_matches: [] });
    expect((await api('GET', `/v1/customers/${customer.id}`, { key: merchant.api_key })).body).toMatchObject({ kyc_status: 'approved', verification: decided.id });
    const approved = await api('POST', '/v1/payments', { key: merchant.api_key, body: { ...body, customer: customer.id } });
    expect(approved.status, JSON.stringify(approved.body)).toBe(201);
  });

  it('sends a sanctions match to review with the matched entry; the operator resolves it with the CLI, recorded with who and when', async () => {
    const customer = await newCustomer();
    const decided = await verify(customer.id, cleanIdentity({ name: 'Kim Jong Un', birth_date: '1984-01-08', document: { type: 'cn_resident_id', number: cnResidentId('1984-01-08') } }));
    expect(decided).toMatchObject({ status: 'review', reasons: ['sanctions_match'] });
    expect(decided.sanctions_matches[0]).toMatchObject({ list: 'SDN', entry_id: 20157, matched_name: 'KIM, Jong Un', score: expect.any(Number) });

    const run = await cli.run(['kyc', 'resolve', '--verification', decided.id, '--decision', 'rejected', '--note', 'confirmed listed person', '--actor', 'ops-alice']);
    expect(run.code, run.stderr).toBe(0);
    const resolved = (await api('GET', `/v1/customers/${customer.id}/verifications/${decided.id}`, { key: merchant.api_key })).body;
    expect(resolved).toMatchObject({ status: 'rejected', decided_by: 'operator', resolution: { decision: 'rejected', note: 'confirmed listed person', actor: 'ops-alice', resolved_at: expect.any(String) } });
    const again = await cli.run(['kyc', 'resolve', '--verification', decided.id, '--decision', 'approved', '--note', 'x']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('only a verification in review, or one the system rejected, can be resolved');
  });

  it('keeps PII out of the table in clear text and out of the logs; erasure removes it for good and keeps the decision', async () => {
    const customer = await newCustomer();
    const identity = cleanIdentity({ address: { line1: '17 Wutong Lane Zhuyuan', city: 'Hangzhou', country: 'CN' } });
    const decided = await verify(customer.id, identity);
    expect(decided.status).toBe('approved');
    const number = (identity.document as { number: string }).number;
    const secrets = [identity.name, number, number.slice(0, 14), identity.phone!, identity.phone!.slice(3), '17 Wutong Lane', identity.birth_date];
    const table = JSON.stringify(await scanAll());
    for (const secret of secrets) expect(table.includes(secret), `table holds ${secret}`).toBe(false);
    expect(table).toContain(customer.id);
    const logs = fs.readFileSync(path.join(stackLogDir(), 'offline.log'), 'utf8');
    expect(logs).toContain(decided.id);
    for (const secret of secrets) expect(logs.includes(secret), `logs hold ${secret}`).toBe(false);

    const erased = await api('DELETE', `/v1/customers/${customer.id}/pii`, { key: merchant.api_key });
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ kyc_status: 'none', email: null, pii_erased_at: expect.any(String) });
    const kept = (await api('GET', `/v1/customers/${customer.id}/verifications/${decided.id}`, { key: merchant.api_key })).body;
    expect(kept).toMatchObject({ status: 'approved', decided_at: decided.decided_at, pii_erased_at: expect.any(String) });
    const item = (await scanAll()).find((i) => i.pk!.S === `KYV#${decided.id}`)!;
    expect(item.pii).toBeUndefined();
  });

  it('delivers the outcome as a signed customer.verification.* webhook carrying no PII', async () => {
    const hooks = await startReceiver();
    try {
      const registered = await api('POST', '/v1/webhook_endpoints', {
        key: merchant.api_key, body: { url: hooks.url('/kyc'), events: ['customer.verification.approved', 'customer.verification.rejected'] },
      });
      expect(registered.status, JSON.stringify(registered.body)).toBe(201);
      const customer = await newCustomer();
      const identity = cleanIdentity();
      const decided = await verify(customer.id, identity);
      const delivery = await waitFor('the approval delivered', () =>
        hooks.received.find((r) => r.status === 200 && JSON.parse(r.body).data.object.id === decided.id), { timeoutMs: 30_000 });
      expect(delivery.headers['webhook-signature']).toMatch(/^v1,/);
      expect(JSON.parse(delivery.body)).toMatchObject({ type: 'customer.verification.approved', data: { object: { id: decided.id, customer: customer.id, status: 'approved' } } });
      const number = (identity.document as { number: string }).number;
      for (const secret of [identity.name, number, identity.phone!]) expect(delivery.body.includes(secret), `webhook holds ${secret}`).toBe(false);
    } finally {
      await hooks.close();
    }
  });

  it('re-screens approved customers when a new list version loads: a new hit moves the customer to review and emits the event', async () => {
    const name = 'Ottoline Quarrendon Vasquezbrill';
    const customer = await newCustomer();
    const decided = await verify(customer.id, cleanIdentity({ name }));
    expect(decided.status).toBe('approved');

    const dir = fs.mkdtempSync(path.join(cli.dir, 'ofac-'));
    const extra = '99990001,"VASQUEZBRILL, Ottoline Quarrendon","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n';
    fs.writeFileSync(path.join(dir, 'sdn.csv'), fs.readFileSync('data/ofac/sdn.csv', 'utf8').replace(/\x1a?\s*$/, '\n') + extra);
    const loaded = await cli.run(['sanctions', 'load', '--sdn', path.join(dir, 'sdn.csv'), '--alt', 'data/ofac/alt.csv']);
    expect(loaded.code, loaded.stderr).toBe(0);
    expect(JSON.parse(loaded.stdout)).toMatchObject({ changed: true, entries: expect.any(Number) });

    // The schedule does the same every minute; running it here keeps the test short.
    await rescreenApproved(kycCheckDeps({ fresh: true }));
    const moved = await waitFor('customer moved to review', async () => {
      const read = await api('GET', `/v1/customers/${customer.id}`, { key: merchant.api_key });
      return read.body.kyc_status === 'review' ? read.body : undefined;
    });
    expect(moved.verification).toBe(decided.id);
    const verification = (await api('GET', `/v1/customers/${customer.id}/verifications/${decided.id}`, { key: merchant.api_key })).body;
    expect(verification).toMatchObject({ status: 'review', reasons: ['sanctions_match'], sanctions_matches: [expect.objectContaining({ entry_id: 99990001 })] });
    const events = (await api('GET', '/v1/events?limit=100', { key: merchant.api_key })).body.data as { type: string; data: { object: { id: string } } }[];
    expect(events.filter((e) => e.data.object.id === decided.id).map((e) => e.type)).toEqual(['customer.verification.review', 'customer.verification.approved']);
  });
});
