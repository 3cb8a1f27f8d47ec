import { beforeAll, describe, expect, it } from 'vitest';
import { api } from '../support/api.js';
import { fundedMerchant, usdc } from '../support/deps.js';

// Every operation taking a JSON body wants an object: any other JSON value is a 400 problem that
// writes nothing, whatever the operation (issue 14: `false` was a 500 on four operations).
const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const bodies: Array<[string, string]> = [
  ['null', 'null'],
  ['false', 'false'],
  ['true', 'true'],
  ['a number', '0'],
  ['a string', '"payment"'],
  ['an array', '[{"amount":"1000000"}]'],
  ['a deeply nested array', deep(4000)],
  ['an object with a deeply nested field', `{"metadata":{"k":${deep(3000)}}}`],
];
const operations = ['POST /v1/payments', 'POST /v1/payments/{id}/capture', 'POST /v1/payments/{id}/cancel', 'POST /v1/realtime/tokens', 'POST /v1/webhook_endpoints'];

describe('a JSON body that is not the documented object', () => {
  let key: string;
  let paymentId: string;
  beforeAll(async () => {
    const merchant = await fundedMerchant(usdc(10));
    key = merchant.api_key;
    const created = await api('POST', '/v1/payments', {
      key, body: { amount: '1000000', asset: 'USDC', chain: 'local-a', destination: '0x52908400098527886E0F7030069857D2E4169EE7', capture: 'manual' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    paymentId = created.body.id;
  });

  const cases = operations.flatMap((operation) => bodies.map(([name, body]) => [operation, name, body] as const));
  it.each(cases)('%s refuses %s with a 400 validation problem', async (operation, _, rawBody) => {
    const [method, route] = operation.split(' ') as [string, string];
    const response = await api(method, route.replace('{id}', paymentId), { key, rawBody });
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({ status: 400, code: 'validation_error' });
  });

  it('captures or cancels nothing and registers no endpoint', async () => {
    const payments = await api('GET', '/v1/payments', { key });
    expect(payments.body.data.map((p: { id: string }) => p.id)).toEqual([paymentId]);
    // The test stack expires holds after 20 s, which a slow run can pass: expired, never captured or canceled.
    expect(['authorized', 'expired']).toContain(payments.body.data[0].status);
    expect(payments.body.data[0].amount_captured).toBe('0');
    const endpoints = await api('GET', '/v1/webhook_endpoints', { key });
    expect(endpoints.body.data).toEqual([]);
  });
});
