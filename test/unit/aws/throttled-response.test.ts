import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
// The renderer the local stack's patched serverless-offline uses (patches/serverless-offline+*.patch).
// @ts-expect-error plain JavaScript without types
import { gatewayResponsesOf, renderGatewayResponse } from '../../../node_modules/serverless-offline/src/events/http/gatewayResponses.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const api = parse(fs.readFileSync(path.join(repoRoot, 'infra', 'api.yml'), 'utf8'));

/** Enough of hapi's response toolkit to see what would be sent. */
function toolkit() {
  const sent = { body: '', status: 0, headers: {} as Record<string, string> };
  const response = {
    code: (status: number) => ((sent.status = status), response),
    header: (name: string, value: string) => ((sent.headers[name.toLowerCase()] = value), response),
  };
  return { sent, h: { response: (body: string) => ((sent.body = body), response) } };
}

describe('429 gateway responses (infra/api.yml)', () => {
  it.each([
    ['THROTTLED', 'rate_limited', '1'],
    ['QUOTA_EXCEEDED', 'quota_exceeded', '3600'],
  ])('render %s as a 429 problem+json with Retry-After', (type, code, retryAfter) => {
    const { sent, h } = toolkit();

    renderGatewayResponse(h, gatewayResponsesOf(api), 429, type);

    expect(sent.status).toBe(429);
    expect(sent.headers['content-type']).toBe('application/problem+json');
    expect(sent.headers['retry-after']).toBe(retryAfter);
    expect(JSON.parse(sent.body)).toMatchObject({ type: `https://lanepay.dev/problems/${code}`, status: 429, code });
  });

  it('render a refused key (ACCESS_DENIED, the cached Deny) exactly as a missing one (UNAUTHORIZED)', () => {
    const denied = toolkit();
    const missing = toolkit();

    renderGatewayResponse(denied.h, gatewayResponsesOf(api), 403, 'ACCESS_DENIED');
    renderGatewayResponse(missing.h, gatewayResponsesOf(api), 401, 'UNAUTHORIZED');

    expect(denied.sent).toEqual(missing.sent);
    expect(denied.sent.headers['www-authenticate']).toBe('Bearer');
  });
});
