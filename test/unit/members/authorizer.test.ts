import type { APIGatewayTokenAuthorizerEvent, Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MerchantProfile } from '#lib/merchants/profile.js';

const authenticateMember = vi.fn<(deps: unknown, token: string) => Promise<{ memberId: string; merchantId: string; profile: MerchantProfile }>>();
vi.mock('#lib/merchants/members/authenticate.js', async (original) => ({ ...(await original<object>()), authenticateMember }));

const methodArn = 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/v1/approvals';
const context = { functionName: 'authorizer', awsRequestId: 'test' } as Context;
const profile: MerchantProfile = { id: 'mer_1', name: 'Shop', createdAt: '2026-11-26T00:00:00Z', fee: { bps: 0, fixedMinor: '0' }, risk: {}, usageKey: 'merchant-own-usage-key-123' };

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
const { handler } = await import('../../../functions/authorizer/handler.js');
vi.unstubAllEnvs();

describe('merchant API authorizer with a member key', () => {
  afterEach(() => {
    authenticateMember.mockReset();
  });

  it('allows the approval routes only, with the member as principal and its merchant\'s usage key', async () => {
    authenticateMember.mockResolvedValue({ memberId: 'mem_1', merchantId: 'mer_1', profile });
    const event: APIGatewayTokenAuthorizerEvent = { type: 'TOKEN', authorizationToken: 'Bearer mk_live_anything', methodArn };

    const result = await handler(event, context);

    expect(authenticateMember).toHaveBeenCalledWith(expect.anything(), 'mk_live_anything');
    expect(result.principalId).toBe('mem_1');
    expect(result.policyDocument.Statement).toEqual([{
      Action: 'execute-api:Invoke', Effect: 'Allow',
      Resource: [
        'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/v1/approvals',
        'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/POST/v1/approvals/*/approve',
        'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/POST/v1/approvals/*/reject',
      ],
    }]);
    expect(result.context).toEqual({ merchantId: 'mer_1', principal: 'member', memberId: 'mem_1' });
    expect(result.usageIdentifierKey).toBe('merchant-own-usage-key-123');
  });
});
