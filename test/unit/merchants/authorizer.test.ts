import type { APIGatewayTokenAuthorizerEvent, Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MerchantProfile } from '#lib/merchants/profile.js';
import { UnauthorizedError } from '#lib/platform/errors/index.js';

const authenticateApiKey = vi.fn<(deps: unknown, authorization: string | undefined) => Promise<MerchantProfile>>();
// The handler calls authenticateKey, which also names the key (the audit records' actor).
vi.mock('#lib/merchants/authenticate.js', () => ({
  authenticateKey: async (deps: unknown, authorization: string | undefined) => ({ profile: await authenticateApiKey(deps, authorization), keyId: 'key_1' }),
}));

const methodArn = 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/v1/balances';
const event = (token: string): APIGatewayTokenAuthorizerEvent => ({ type: 'TOKEN', authorizationToken: token, methodArn });
const context = { functionName: 'authorizer', awsRequestId: 'test' } as Context;
const profile = (usageKey?: string): MerchantProfile => ({
  id: 'mer_1', name: 'Shop', createdAt: '2026-11-26T00:00:00Z', fee: { bps: 0, fixedMinor: '0' }, risk: {}, ...(usageKey ? { usageKey } : {}),
});

const environment = {
  STAGE: 'prod',
  AWS_REGION: 'us-east-1',
  TABLE_NAME: 'lanepay-prod',
  API_KEY_DIGEST_KEY_ID: 'alias/lanepay-prod-api-key-digest',
  CONSOLE_SESSION_KEY_ID: 'alias/lanepay-prod-console-session',
  SHARED_USAGE_KEY: 'lanepay-prod-shared-usage',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
};
for (const [name, value] of Object.entries(environment)) vi.stubEnv(name, value);
// Loaded once while the file is collected, outside any test's time limit (the first load of the
// handler and the SDK takes seconds on a busy machine); it reads its configuration as it loads.
const { handler: loadedHandler } = await import('../../../functions/authorizer/handler.js');
vi.unstubAllEnvs();

async function loadHandler() {
  return loadedHandler;
}

describe('merchant API authorizer', () => {
  afterEach(() => {
    authenticateApiKey.mockReset();
  });

  // API Gateway caches a returned policy (Allow or Deny) for resultTtlInSeconds; a thrown
  // "Unauthorized" is no policy, so every retry of a bad key would run the authorizer again.
  it('answers a refused key with a Deny policy for the whole stage, which API Gateway caches, instead of throwing', async () => {
    authenticateApiKey.mockRejectedValue(new UnauthorizedError('This API key is not known.'));
    const handler = await loadHandler();

    const result = await handler(event('Bearer sk_live_unknown'), context);

    expect(result.policyDocument.Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/*' },
    ]);
    expect(result.context).toBeUndefined();
  });

  it('still fails (AUTHORIZER_FAILURE, never cached) when the key cannot be checked', async () => {
    authenticateApiKey.mockRejectedValue(new Error('KMS is unavailable'));
    const handler = await loadHandler();

    await expect(handler(event('Bearer sk_live_x'), context)).rejects.toThrow('KMS is unavailable');
  });

  it('allows a known key for the whole stage and names the usage-plan key its requests count against', async () => {
    authenticateApiKey.mockResolvedValueOnce(profile('lanepay-prod-usage-mer_1-abcdef')).mockResolvedValueOnce(profile());
    const handler = await loadHandler();

    const own = await handler(event('Bearer sk_live_a'), context);
    const shared = await handler(event('Bearer sk_live_b'), context);

    expect(own.policyDocument.Statement).toEqual([expect.objectContaining({ Effect: 'Allow', Resource: 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/*' })]);
    expect(own.principalId).toBe('mer_1');
    expect(own.usageIdentifierKey).toBe('lanepay-prod-usage-mer_1-abcdef');
    expect(shared.usageIdentifierKey).toBe('lanepay-prod-shared-usage');
  });
});
