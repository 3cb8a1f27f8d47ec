import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { newSigningSecret, signedHeaders } from '#lib/notify/webhooks/signing.js';

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('webhook signing (checked by the standardwebhooks package)', () => {
  it('makes secrets of whsec_ and 32 random bytes', () => {
    const secret = newSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(newSigningSecret()).not.toBe(secret);
  });

  it('signs any body so that the reference verifier accepts it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.stringMatching(/^evt_[0-9a-z]{26}$/), (body, id) => {
        const secret = newSigningSecret();
        const headers = signedHeaders([secret], id, nowSeconds(), body);
        expect(() => new Webhook(secret).verify(body, headers, { jsonParse: false })).not.toThrow();
      }),
      { numRuns: 50 },
    );
  });

  it('lists one signature per active secret, each verifying with its own secret', () => {
    const [oldSecret, newSecret, stranger] = [newSigningSecret(), newSigningSecret(), newSigningSecret()];
    const body = JSON.stringify({ id: 'evt_1', type: 'payment.succeeded' });
    const headers = signedHeaders([newSecret, oldSecret], 'evt_1', nowSeconds(), body);
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(new Webhook(newSecret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(oldSecret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(stranger).verify(body, headers)).toThrow();
  });

  it('fails verification when the body or timestamp is changed', () => {
    const secret = newSigningSecret();
    const body = '{"a":1}';
    const headers = signedHeaders([secret], 'evt_2', nowSeconds(), body);
    expect(() => new Webhook(secret).verify('{"a":2}', headers)).toThrow();
    // One second before the signed timestamp, not before the clock: the clock may have moved on a second since.
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-timestamp': String(Number(headers['webhook-timestamp']) - 1) })).toThrow();
  });
});
