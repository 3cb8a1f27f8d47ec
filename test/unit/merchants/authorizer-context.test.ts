import { describe, expect, it } from 'vitest';
import { approvalCaller, authorizerContext, memberAuthorizerContext, profileFromAuthorizer } from '#api/http/authorizer-context.js';
import { merchantProfileSchema } from '#lib/merchants/profile.js';
import { UnauthorizedError } from '#lib/platform/errors/index.js';

const profile = merchantProfileSchema.parse({ id: 'mer_1', name: 'Shop', createdAt: '2026-01-01T00:00:00Z', fee: { bps: 0, fixedMinor: '0' }, risk: {} });

describe('authorizer context', () => {
  it('gives the merchant of an API key to every route, and to approval routes without a member', () => {
    expect(profileFromAuthorizer(authorizerContext(profile))).toEqual(profile);
    expect(approvalCaller(authorizerContext(profile))).toEqual({ merchantId: 'mer_1' });
  });

  it('refuses a member key on routes that are not approval routes, whatever the gateway allowed', () => {
    const member = memberAuthorizerContext({ memberId: 'mem_1', merchantId: 'mer_1' });
    expect(() => profileFromAuthorizer(member)).toThrow(UnauthorizedError);
    expect(approvalCaller(member)).toEqual({ merchantId: 'mer_1', memberId: 'mem_1' });
  });
});
