import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import type { MerchantProfile } from '#merchants';
import type { MemberRole } from '#merchants';
import { authorizerContext, memberAuthorizerContext, sessionAuthorizerContext } from './authorizer-context.js';
import { consoleRoutesFor, policyRoute } from './console-routes.js';

/**
 * What the merchant API's authorizer answers. API Gateway caches the returned policy, Allow or
 * Deny, per Authorization header for the authorizer's TTL (resultTtlInSeconds), across every route;
 * an authorizer that throws "Unauthorized" returns no policy, so a refused key would cost a Lambda
 * call, a KMS MAC and a DynamoDB read on every retry. Refusals are therefore Deny policies.
 */
/** `keyId` (the accepted key's id) goes into the context as the actor of the request's audit records. */
export function allowMerchant(methodArn: string, profile: MerchantProfile, usageIdentifierKey: string, keyId?: string): APIGatewayAuthorizerResult {
  return {
    principalId: profile.id,
    policyDocument: stagePolicy(methodArn, 'Allow'),
    context: authorizerContext(profile, keyId),
    // The usage plan's API key this merchant's requests count against (docs/security.md, rate limits).
    usageIdentifierKey,
  };
}

/**
 * A member key (lib/merchants/members): allowed on the approval routes only, so the cached policy refuses the
 * rest of the API with 403 before any function runs; counted against its merchant's usage key.
 */
export function allowMember(methodArn: string, member: { memberId: string; merchantId: string }, usageIdentifierKey: string): APIGatewayAuthorizerResult {
  const [arnPrefix, stage] = methodArn.split('/');
  return {
    principalId: member.memberId,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: memberRoutes.map((route) => `${arnPrefix}/${stage}/${route}`) }] },
    context: memberAuthorizerContext(member),
    usageIdentifierKey,
  };
}

/** The only routes a member key may call (METHOD/path, API Gateway's wildcard for the id). */
export const memberRoutes = ['GET/v1/approvals', 'POST/v1/approvals/*/approve', 'POST/v1/approvals/*/reject'] as const;

/**
 * A console session: allowed on the rows of api/http/console-routes.ts its member's role (and its
 * merchant's platform flag) allow, so the cached policy refuses the rest with 403 before any
 * function runs; counted against its merchant's usage key.
 */
export function allowSession(
  methodArn: string,
  session: { sessionId: string; memberId: string; role: MemberRole; profile: MerchantProfile },
  usageIdentifierKey: string,
): APIGatewayAuthorizerResult {
  const [arnPrefix, stage] = methodArn.split('/');
  const routes = consoleRoutesFor(session.role, session.profile.platform === true).map((route) => `${arnPrefix}/${stage}/${policyRoute(route)}`);
  return {
    principalId: session.memberId,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: routes }] },
    context: sessionAuthorizerContext(session),
    usageIdentifierKey,
  };
}

/** A refused key: cached like an allowed one, answered with the ACCESS_DENIED gateway response (infra/api.yml). */
export function denyKey(methodArn: string): APIGatewayAuthorizerResult {
  return { principalId: 'refused', policyDocument: stagePolicy(methodArn, 'Deny') };
}

/** The usage-plan key of a merchant: its own (set by `lanepay merchant usage-key`) or the stage's shared one. */
export function usageKeyOf(profile: MerchantProfile, sharedUsageKey: string): string {
  return profile.usageKey ?? sharedUsageKey;
}

// The whole stage, not just this method: the cached answer is used for every route.
function stagePolicy(methodArn: string, effect: 'Allow' | 'Deny'): APIGatewayAuthorizerResult['policyDocument'] {
  const [arnPrefix, stage] = methodArn.split('/');
  return { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: `${arnPrefix}/${stage}/*` }] };
}
