import { describe, expect, it } from 'vitest';
import { newSigningSecret, signedHeaders } from '#lib/notify/webhooks/signing.js';
import { LanepaySignatureVerificationError, verifyWebhook, webhooks } from '../../../sdk/src/index.js';

// Signed by Lanepay's own signer (lib/notify/webhooks/signing.ts), so the SDK is checked against what the platform sends.
const secret = newSigningSecret();
const event = { id: 'evt_01', object: 'event', type: 'payment.succeeded', created_at: '2026-11-26T12:00:00.000Z', data: { object: { id: 'pay_01' } } };
const body = JSON.stringify(event);
const now = () => Math.floor(Date.now() / 1000);

describe('webhooks.verify', () => {
  it('returns the event of a delivery signed with the endpoint secret, from Node or Fetch headers', () => {
    const headers = signedHeaders([secret], 'evt_01', now(), body);
    expect(webhooks.verify(body, headers, secret)).toEqual(event);
    expect(verifyWebhook(Buffer.from(body), new Headers(headers), secret)).toEqual(event);
    const upperCased = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toUpperCase(), [value]]));
    expect(verifyWebhook(body, upperCased, secret)).toEqual(event);
  });

  it('verifies with either secret while a rotation keeps two', () => {
    const next = newSigningSecret();
    const headers = signedHeaders([secret, next], 'evt_01', now(), body);
    expect(verifyWebhook(body, headers, next)).toEqual(event);
  });

  it('throws LanepaySignatureVerificationError for a changed body, another secret, an old timestamp or missing headers', () => {
    const headers = signedHeaders([secret], 'evt_01', now(), body);
    expect(() => verifyWebhook(body.replace('pay_01', 'pay_02'), headers, secret)).toThrow(LanepaySignatureVerificationError);
    expect(() => verifyWebhook(body, headers, newSigningSecret())).toThrow(LanepaySignatureVerificationError);
    const old = signedHeaders([secret], 'evt_01', now() - 600, body);
    expect(() => verifyWebhook(body, old, secret)).toThrow(/timestamp too old/);
    expect(() => verifyWebhook(body, { 'webhook-id': 'evt_01' }, secret)).toThrow(LanepaySignatureVerificationError);
  });
});
