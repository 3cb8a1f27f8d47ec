import { describe, expect, it } from 'vitest';
import { clearedSessionCookie, sessionCookie, sessionTokenFrom } from '#api/console/cookie.js';
import { apiBaseUrl, forwardToApi } from '#api/console/proxy.js';
import { relyingParty } from '#api/console/routes.js';

describe('console session cookie', () => {
  it('is __Host-, HttpOnly, Secure and SameSite=Strict on Path=/, without Domain or Max-Age', () => {
    expect(sessionCookie('cs_a.b')).toBe('__Host-lanepay_console=cs_a.b; Path=/; HttpOnly; Secure; SameSite=Strict');
    expect(clearedSessionCookie()).toBe('__Host-lanepay_console=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0');
  });

  it('is read by its exact name among other cookies', () => {
    expect(sessionTokenFrom('a=1; __Host-lanepay_console=cs_x.y; b=2')).toBe('cs_x.y');
    expect(sessionTokenFrom('lanepay_console=cs_x.y')).toBeUndefined();
    expect(sessionTokenFrom(undefined)).toBeUndefined();
  });
});

describe('console proxy', () => {
  const request = (path: string, method = 'GET') => ({
    method, path, query: { status: ['succeeded'], expand: ['a', 'b'] }, body: method === 'GET' ? undefined : '{}',
    header: (name: string) => ({ cookie: '__Host-lanepay_console=cs_x.y', 'lanepay-otp': '123456', 'x-csrf-token': 't', 'content-type': 'application/json' } as Record<string, string>)[name],
  });

  it('forwards to /v1 with the session as bearer and only the headers the API reads; never the cookie', async () => {
    const sent: { url: string; init: RequestInit }[] = [];
    const fetchStub = (async (url: URL, init: RequestInit) => {
      sent.push({ url: url.toString(), init });
      return new Response('{"data":[]}', { status: 200, headers: { 'Content-Type': 'application/json', 'Set-Cookie': 'x=1', 'Request-Id': 'r1' } });
    }) as unknown as typeof fetch;
    const answer = await forwardToApi('https://api.example.com/prod', 'cs_x.y', request('v1/approvals/apr_1/approve', 'POST'), fetchStub);
    expect(sent[0]!.url).toBe('https://api.example.com/prod/v1/approvals/apr_1/approve?status=succeeded&expand=a&expand=b');
    expect(sent[0]!.init.headers).toEqual({ Authorization: 'Bearer cs_x.y', 'content-type': 'application/json', 'lanepay-otp': '123456' });
    expect(answer).toEqual({ status: 200, body: '{"data":[]}', headers: { 'Content-Type': 'application/json', 'Request-Id': 'r1' } });
  });

  it('reaches nothing but /v1 paths', async () => {
    const fetchStub = (async () => new Response('')) as unknown as typeof fetch;
    for (const path of ['v1/../console/session', 'checkout/ch_1', 'v1//payments', '/v1/payments', 'v1/payments?x=1', 'https://evil.example/v1']) {
      await expect(forwardToApi('https://api.example.com/prod', 't', request(path), fetchStub), path).rejects.toMatchObject({ code: 'not_found' });
    }
  });

  it('reaches the request\'s own stage unless a base URL is set', () => {
    expect(apiBaseUrl('', { domainName: 'abc.execute-api.us-east-1.amazonaws.com', name: 'prod' })).toBe('https://abc.execute-api.us-east-1.amazonaws.com/prod');
    expect(apiBaseUrl('https://api.example.com/', { domainName: 'x', name: 'y' })).toBe('https://api.example.com');
  });

  it('takes the relying party from the host the console is served on, http only for localhost', () => {
    const headers = (host: string, proto?: string) => ({ header: (name: string) => ({ host, ...(proto ? { 'x-forwarded-proto': proto } : {}) } as Record<string, string>)[name] });
    expect(relyingParty('', headers('localhost:4510'))).toEqual({ id: 'localhost', origin: 'http://localhost:4510' });
    expect(relyingParty('', headers('console.example.com', 'https'))).toEqual({ id: 'console.example.com', origin: 'https://console.example.com' });
    expect(relyingParty('https://pay.example.com', headers('abc.execute-api.us-east-1.amazonaws.com'))).toEqual({ id: 'pay.example.com', origin: 'https://pay.example.com' });
  });
});
