import { describe, expect, it } from 'vitest';
import { api } from '../support/api.js';
import { fundedMerchant, merchantPayments, someAddress, usdc } from '../support/deps.js';

const destination = '0x52908400098527886E0F7030069857D2E4169EE7';
const valid = { amount: '1000000', asset: 'USDC', chain: 'local-a', destination };

type BadRequest = { body?: unknown; rawBody?: string; headers?: Record<string, string>; idempotencyKey?: string | false };
const cases: Array<[string, number, string, BadRequest]> = [
  ['amount as a number', 400, 'validation_error', { body: { ...valid, amount: 1000000 } }],
  ['a negative amount', 400, 'validation_error', { body: { ...valid, amount: '-1' } }],
  ['a zero amount', 400, 'validation_error', { body: { ...valid, amount: '0' } }],
  ['a fractional amount', 400, 'validation_error', { body: { ...valid, amount: '10.5' } }],
  ['an absurdly large amount', 400, 'validation_error', { body: { ...valid, amount: '9'.repeat(31) } }],
  ['an unknown asset', 400, 'validation_error', { body: { ...valid, asset: 'DOGE' } }],
  ['an unknown chain', 400, 'validation_error', { body: { ...valid, chain: 'mainnet-z' } }],
  ['an invalid address checksum', 400, 'validation_error', { body: { ...valid, destination: '0x52908400098527886E0F7030069857D2E4169Ee7' } }],
  ['an unknown field', 400, 'validation_error', { body: { ...valid, tip: '5' } }],
  ['a missing field', 400, 'validation_error', { body: { asset: 'USDC', chain: 'local-a', destination } }],
  ['a missing Idempotency-Key', 400, 'validation_error', { body: valid, idempotencyKey: false }],
  ['a body that is not JSON', 400, 'invalid_json', { rawBody: '{"amount": "1",' }],
  ['a body that is not JSON media', 415, 'unsupported_media_type', { rawBody: 'amount=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }],
  ['an oversized body', 413, 'body_too_large', { body: { ...valid, description: 'x'.repeat(20_000) } }],
];

describe('bad input to POST /v1/payments', () => {
  it.each(cases)('refuses %s with %i %s problem+json and writes nothing', async (_, status, code, request) => {
    const merchant = await fundedMerchant(usdc(10));
    const key = `bad-${Math.random()}`;
    const response = await api('POST', '/v1/payments', { key: merchant.api_key, ...request, ...(request.idempotencyKey === false ? {} : { idempotencyKey: key }) });
    expect(response.status, JSON.stringify(response.body)).toBe(status);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({ status, code, type: `https://lanepay.dev/problems/${code}` });
    expect(typeof response.body.detail).toBe('string');
    expect(await merchantPayments(merchant.merchant_id)).toHaveLength(0);
    // Validation failures are not stored: the same key works for a valid request afterwards.
    const retry = await api('POST', '/v1/payments', { key: merchant.api_key, body: { ...valid, destination: someAddress() }, idempotencyKey: key });
    expect(retry.status).toBe(201);
  });

  it('names the offending field in the problem', async () => {
    const merchant = await fundedMerchant(0n);
    const response = await api('POST', '/v1/payments', { key: merchant.api_key, body: { ...valid, amount: '0' } });
    expect(response.body.errors).toEqual([{ field: 'amount', message: expect.stringContaining('positive whole number') }]);
  });
});
