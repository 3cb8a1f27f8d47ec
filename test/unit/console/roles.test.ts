import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { actorFromAuthorizer, approvalCaller, consoleRoleOf, profileFromAuthorizer, sessionAuthorizerContext } from '#api/http/authorizer-context.js';
import { allowSession } from '#api/http/authorizer-result.js';
import { consoleRouteOf, consoleRouteOfPath, consoleRoutes, consoleRoutesFor } from '#api/http/console-routes.js';
import { httpHandler } from '#api/http/handler.js';
import { memberRoleOf } from '#lib/merchants/members/items.js';
import { merchantProfileSchema } from '#lib/merchants/profile.js';

const profile = merchantProfileSchema.parse({ id: 'mer_1', name: 'Shop', createdAt: '2026-01-01T00:00:00Z', fee: { bps: 0, fixedMinor: '0' }, risk: {} });
const arn = 'arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/v1/payments';
const allowed = (role: 'viewer' | 'approver' | 'admin', platform = false) =>
  allowSession(arn, { sessionId: 's1', memberId: 'mem_1', role, profile: { ...profile, platform } }, 'usage-key-0123456789').policyDocument.Statement[0] as { Effect: string; Resource: string[] };

describe('console role table', () => {
  it('reads a member stored without a role as an approver', () => {
    expect(memberRoleOf({})).toBe('approver');
    expect(memberRoleOf({ role: 'viewer' })).toBe('viewer');
  });

  it('names in a viewer\'s policy every read the console makes and no write', () => {
    const policy = allowed('viewer');
    expect(policy.Effect).toBe('Allow');
    expect(policy.Resource).toContain('arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/v1/payments/*');
    expect(policy.Resource).toContain('arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/v1/approvals');
    expect(policy.Resource.filter((resource) => !/\/prod\/GET\//.test(resource))).toEqual([]);
    expect(policy.Resource.some((resource) => resource.endsWith('/v1/customers/*/pii'))).toBe(false);
  });

  it('adds decisions for an approver and set-up changes and PII for an admin, each row once', () => {
    const routes = (role: 'viewer' | 'approver' | 'admin') => allowed(role).Resource.map((resource) => resource.split('/prod/')[1]);
    expect(routes('approver').filter((route) => !routes('viewer').includes(route)).sort()).toEqual(['POST/v1/approvals/*/approve', 'POST/v1/approvals/*/reject']);
    expect(routes('admin').filter((route) => !routes('approver').includes(route)).sort()).toEqual([
      'GET/v1/customers/*/pii', 'POST/v1/events/*/redeliver', 'POST/v1/members', 'POST/v1/members/*/revoke', 'POST/v1/webhook_endpoints/*/rotate_secret', 'PUT/v1/approval_policy',
    ]);
    expect(new Set(consoleRoutes.map((route) => `${route.method}${route.path}`)).size).toBe(consoleRoutes.length);
  });

  it('gives platform-only rows to the platform merchant\'s members alone', () => {
    const platformRows = ['GET/v1/liquidity', 'GET/v1/treasury', 'GET/v1/audit/status', 'GET/v1/kyc/reviews', 'POST/v1/kyc/verifications/*/resolve'];
    const routes = (platform: boolean) => allowed('admin', platform).Resource.map((resource) => resource.split('/prod/')[1]!);
    expect(routes(false).filter((route) => platformRows.includes(route))).toEqual([]);
    expect(routes(true).filter((route) => platformRows.includes(route)).sort()).toEqual([...platformRows].sort());
    expect(consoleRoutesFor('viewer', true).map((route) => route.path)).not.toContain('/v1/kyc/verifications/*/resolve');
  });

  it('finds a request\'s row by resource and by concrete path, and no row for what no session may call', () => {
    expect(consoleRouteOf('POST', '/v1/approvals/{id}/approve')?.role).toBe('approver');
    expect(consoleRouteOfPath('POST', '/v1/approvals/apr_01/approve')?.role).toBe('approver');
    expect(consoleRouteOfPath('GET', '/v1/payments/pay_01')?.role).toBe('viewer');
    expect(consoleRouteOfPath('GET', '/v1/payments/')).toBeUndefined();
    expect(consoleRouteOfPath('POST', '/v1/payments')).toBeUndefined();
    expect(consoleRouteOfPath('GET', '/v1/payments/pay_01/extra')).toBeUndefined();
  });
});

describe('console session context', () => {
  const context = sessionAuthorizerContext({ sessionId: 's1', memberId: 'mem_1', role: 'viewer', profile });

  it('reads as its merchant, names the member as actor and as approval caller', () => {
    expect(profileFromAuthorizer(context)).toEqual(profile);
    expect(actorFromAuthorizer(context)).toEqual({ type: 'member', id: 'mem_1' });
    expect(approvalCaller(context)).toEqual({ merchantId: 'mer_1', memberId: 'mem_1' });
    expect(consoleRoleOf(context)).toBe('viewer');
    expect(consoleRoleOf({ principal: 'api_key', merchantId: 'mer_1' })).toBeUndefined();
  });

  const route = httpHandler({ path: z.object({ id: z.string() }), acceptsMemberKeys: true }, async () => ({ status: 200, body: { ok: true } }));
  const call = (role: string, method: string, resource: string) => route({
    httpMethod: method, resource, path: resource, pathParameters: { id: 'apr_1' }, headers: {}, body: null,
    requestContext: { requestId: 'r1', authorizer: { ...context, role } },
  } as unknown as APIGatewayProxyEvent, {} as Context) as Promise<{ statusCode: number; body: string }>;

  it('is refused by the handler below its row\'s role, even where the gateway let it through (403 role_forbidden)', async () => {
    const refused = await call('viewer', 'POST', '/v1/approvals/{id}/approve');
    expect(refused.statusCode).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'role_forbidden', required_role: 'approver' });
    expect((await call('approver', 'POST', '/v1/approvals/{id}/approve')).statusCode).toBe(200);
    const unlisted = await call('admin', 'POST', '/v1/payments/{id}/capture');
    expect(JSON.parse(unlisted.body)).toMatchObject({ status: 403, code: 'role_forbidden', required_role: null });
  });
});
