import { describe, expect, it } from 'vitest';
import { createEndpointBodySchema } from '#lib/notify/webhooks/schemas.js';
import { checkDestination, parseEndpointUrl, type Resolver } from '#lib/notify/webhooks/url.js';

const resolvesTo = (...addresses: string[]): Resolver => async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
const fails: Resolver = async () => {
  throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
};

async function check(url: string, stage: 'local' | 'dev', resolve: Resolver = resolvesTo('93.184.216.34')) {
  const parsed = parseEndpointUrl(url, stage);
  if (!parsed.ok) return parsed;
  return checkDestination(parsed.url, stage, resolve);
}

describe('webhook URL validation', () => {
  it('accepts an https URL whose host resolves to public addresses only', async () => {
    const result = await check('https://hooks.example.com/lanepay?x=1', 'dev');
    expect(result).toMatchObject({ ok: true, address: '93.184.216.34', family: 4 });
  });

  it.each([
    ['http outside local', 'http://hooks.example.com/'],
    ['another scheme', 'ftp://hooks.example.com/'],
    ['credentials', 'https://user:pw@hooks.example.com/'],
    ['a fragment', 'https://hooks.example.com/#x'],
    ['a relative URL', '/hooks'],
    ['an IPv4 loopback literal', 'https://127.0.0.1/'],
    ['a short-form loopback literal', 'https://127.1/'],
    ['a hex loopback literal', 'https://0x7f000001/'],
    ['the cloud metadata address', 'https://169.254.169.254/latest/meta-data'],
    ['an IPv6 loopback literal', 'https://[::1]/'],
    ['an IPv4-mapped IPv6 literal', 'https://[::ffff:10.0.0.1]/'],
    ['a unique-local IPv6 literal', 'https://[fd00::1]/'],
    ['a CGNAT literal', 'https://100.64.1.1/'],
  ])('refuses %s on a deployed stage', async (_, url) => {
    expect((await check(url, 'dev')).ok).toBe(false);
  });

  it('refuses a host that resolves to a private address, or to a mix of public and private', async () => {
    expect(await check('https://internal.example.com/', 'dev', resolvesTo('10.0.0.5'))).toEqual({ ok: false, reason: 'host resolves to a private address' });
    expect((await check('https://mixed.example.com/', 'dev', resolvesTo('93.184.216.34', 'fe80::1'))).ok).toBe(false);
    expect(await check('https://nowhere.example.com/', 'dev', fails)).toEqual({ ok: false, reason: 'host does not resolve' });
  });

  it('allows http and loopback on the local stage, and nothing else private', async () => {
    expect((await check('http://127.0.0.1:8080/hook', 'local')).ok).toBe(true);
    expect((await check('http://localhost:8080/hook', 'local', resolvesTo('127.0.0.1', '::1'))).ok).toBe(true);
    expect((await check('http://10.0.0.1/hook', 'local')).ok).toBe(false);
    expect((await check('http://169.254.169.254/', 'local')).ok).toBe(false);
  });

  it('accepts known event types or "*" alone', () => {
    const valid = { url: 'https://hooks.example.com/' };
    expect(createEndpointBodySchema.safeParse({ ...valid, events: ['payment.succeeded', 'webhook_endpoint.disabled'] }).success).toBe(true);
    expect(createEndpointBodySchema.safeParse({ ...valid, events: ['*'] }).success).toBe(true);
    expect(createEndpointBodySchema.safeParse({ ...valid, events: ['payment.refunded'] }).success).toBe(false);
    expect(createEndpointBodySchema.safeParse({ ...valid, events: ['*', 'payment.succeeded'] }).success).toBe(false);
    expect(createEndpointBodySchema.safeParse({ ...valid, events: [] }).success).toBe(false);
    expect(createEndpointBodySchema.safeParse({ ...valid, events: ['*'], secret: 'mine' }).success).toBe(false);
  });
});
