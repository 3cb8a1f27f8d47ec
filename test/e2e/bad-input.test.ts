import { describe, expect, it } from 'vitest';
import { api } from '../support/api.js';
import { fundedMerchant, merchantPayments, someAddress, usdc } from '../support/deps.js';

const destination = '0x52908400098527886E0F7030069857D2E4169EE7';
const valid = { amount: '1000000', asset: 'USDC', chain: 'local-a', destination };

const cases: Array<[string, { body?: unknown; rawBody?: string; headers?: Record<string, string>; idempotencyKey?: string | false }, number, string]> = [
  ['amount as a number', { body: { ...valid, amount: 1000000 } }, 400, 'validation_error'],
  ['a negative amount', { body: { ...valid, amount: '-1' } }, 400, 'validation_error'],
  ['a zero amount', { body: { ...valid, amount: '0' } }, 400, 'validation_error'],
  ['a fractional amount', { body: { ...valid, amount: '10.5' } }, 400, 'validation_error'],
  ['an absurdly large amount', { body: { ...valid, amount: '9'.repeat(31) } }, 400, 'validation_error'],
  ['an unknown asset', { body: { ...valid, asset: 'DOGE' } }, 400, 'validation_error'],
  ['an unknown chain', { body: { ...valid, chain: 'mainnet-z' } }, 400, 'validation_error'],
  ['an invalid address checksum', { body: { ...valid, destination: '0x52908400098527886E0F7030069857D2E4169Ee7' } }, 400, 'validation_error'],
  ['an unknown field', { body: { ...valid, tip: '5' } }, 400, 'validation_error'],
  ['a missing field', { body: { asset: 'USDC', chain: 'local-a', destination } }, 400, 'validation_error'],
  ['a missing Idempotency-Key', { body: valid, idempotencyKey: false }, 400, 'validation_error'],
  ['a body that is not JSON', { rawBody: '{"amount": "1",' }, 400, 'invalid_json'],
  ['a body that is not JSON media', { rawBody: 'amount=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }, 415, 'unsupported_media_type'],
  ['an oversized body', { body: { ...valid, description: 'x'.repeat(20_000) } }, 413, 'body_too_large'],
];

describe('bad input to POST /v1/payments', () => {
  it.each(cases)('refuses %s with %i problem+json and writes nothing', async (_, request, status, code) => {
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
