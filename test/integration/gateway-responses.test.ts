import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { api } from '../support/api.js';
import { clients, fundedMerchant } from '../support/deps.js';
import { stack } from '../support/stack.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** infra/api.yml's gateway responses by type: what AWS answers, and what the local stack must answer too. */
type GatewayResponse = { ResponseType: string; StatusCode: string; ResponseTemplates: Record<string, string> };
function gatewayResponses(): Record<string, GatewayResponse> {
  const infra = parse(fs.readFileSync(path.join(repoRoot, 'infra', 'api.yml'), 'utf8')) as { Resources: Record<string, { Properties: GatewayResponse }> };
  return Object.fromEntries(Object.values(infra.Resources).map((resource) => [resource.Properties.ResponseType, resource.Properties]));
}

// serverless-offline is patched (patches/serverless-offline+*.patch) to render infra/api.yml's
// GatewayResponse resources: the local stack refuses as API Gateway does, not with its own bodies.
describe('refusals of the gateway on the local stack', () => {
  it('answers an unknown API key with the UNAUTHORIZED problem and WWW-Authenticate', async () => {
    const response = await api('GET', '/v1/balances', { key: `sk_test_${'x'.repeat(43)}` });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(response.body).toEqual(JSON.parse(gatewayResponses().UNAUTHORIZED!.ResponseTemplates['application/json']!));
  });

  it('answers a request without a key with the same 401 problem', async () => {
    const response = await api('POST', '/v1/payments', { body: {} });
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('answers an unknown route with the MISSING_AUTHENTICATION_TOKEN problem (404)', async () => {
    const response = await fetch(`${stack().apiUrl}/v1/no_such_thing`, { method: 'PATCH' });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('answers an authorizer that throws with the AUTHORIZER_FAILURE problem (503), never a 401', async () => {
    const merchant = await fundedMerchant(0n);
    // A profile the authorizer cannot read: it fails with a SyntaxError, not "Unauthorized".
    await clients().dynamodb.send(new UpdateItemCommand({
      TableName: stack().tableName,
      Key: { pk: { S: `MERCHANT#${merchant.merchant_id}` }, sk: { S: 'PROFILE' } },
      UpdateExpression: 'SET profile = :broken',
      ExpressionAttributeValues: { ':broken': { S: '{"not json' } },
    }));
    const response = await api('GET', '/v1/balances', { key: merchant.api_key });
    const expected = gatewayResponses().AUTHORIZER_FAILURE!;
    expect(response.status).toBe(Number(expected.StatusCode));
    expect(response.status).toBeGreaterThanOrEqual(500);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.body).toEqual(JSON.parse(expected.ResponseTemplates['application/json']!));
  });
});

describe('infra/api.yml gateway responses', () => {
  it('render every refusal as problem+json whose status matches the HTTP status', () => {
    const responses = gatewayResponses();
    expect(Object.keys(responses)).toEqual(expect.arrayContaining(['UNAUTHORIZED', 'ACCESS_DENIED', 'THROTTLED', 'AUTHORIZER_FAILURE', 'AUTHORIZER_CONFIGURATION_ERROR']));
    for (const [type, properties] of Object.entries(responses)) {
      const body = JSON.parse(properties.ResponseTemplates['application/json']!) as { status: number; type: string; code: string };
      expect(body.status, type).toBe(Number(properties.StatusCode));
      expect(body.type, type).toBe(`https://lanepay.dev/problems/${body.code}`);
    }
    expect(Number(responses.AUTHORIZER_FAILURE!.StatusCode)).toBeGreaterThanOrEqual(500);
    expect(Number(responses.AUTHORIZER_CONFIGURATION_ERROR!.StatusCode)).toBeGreaterThanOrEqual(500);
  });
});
