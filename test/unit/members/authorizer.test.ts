import type { APIGatewayTokenAuthorizerEvent, Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MerchantProfile } from '../../../lib/merchants/profile.js';

const authenticateMember = vi.fn<(deps: unknown, token: string) => Promise<{ memberId: string; merchantId: string; profile: MerchantProfile }>>();
vi.mock('../../../lib/members/authenticate.js', async (original) => ({ ...(await original<object>()), authenticateMember }));

const methodArn = 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/v1/approvals';
const context = { functionName: 'authorizer', awsRequestId: 'test' } as Context;
const profile: MerchantProfile = { id: 'mer_1', name: 'Shop', createdAt: '2026-11-26T00:00:00Z', fee: { bps: 0, fixedMinor: '0' }, risk: {}, usageKey: 'merchant-own-usage-key-123' };

describe('merchant API authorizer with a member key', () => {
  beforeEach(() => {
    vi.stubEnv('STAGE', 'prod');
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('TABLE_NAME', 'lanepay-prod');
    vi.stubEnv('API_KEY_DIGEST_KEY_ID', 'alias/lanepay-prod-api-key-digest');
    vi.stubEnv('SHARED_USAGE_KEY', 'lanepay-prod-shared-usage');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'ERROR');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    authenticateMember.mockReset();
  });

  it('allows the approval routes only, with the member as principal and its merchant\'s usage key', async () => {
    authenticateMember.mockResolvedValue({ memberId: 'mem_1', merchantId: 'mer_1', profile });
    const { handler } = await import('../../../functions/authorizer/handler.js');
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
