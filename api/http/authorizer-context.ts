import type { AuditActor } from '#audit';
import { merchantProfileSchema, type MerchantProfile } from '#merchants';
import { UnauthorizedError } from '#platform';

/**
 * What the authorizer hands to every merchant API function (API Gateway allows only flat string
 * values), so they need no read of the merchant themselves. `principal` says whether an API key
 * or a member key (approval endpoints only) was presented.
 */
export function authorizerContext(profile: MerchantProfile, keyId?: string): Record<string, string> {
  return { merchantId: profile.id, principal: 'api_key', profile: JSON.stringify(profile), ...(keyId ? { keyId } : {}) };
}

/** Who made the request, as the actor of its audit records: the API key or, on approval routes, the member. */
export function actorFromAuthorizer(context: Record<string, unknown> | null | undefined): AuditActor {
  if (context?.principal === 'member' && typeof context.memberId === 'string') return { type: 'member', id: context.memberId };
  return { type: 'api_key', id: typeof context?.keyId === 'string' ? context.keyId : null };
}

export function memberAuthorizerContext(member: { memberId: string; merchantId: string }): Record<string, string> {
  return { merchantId: member.merchantId, principal: 'member', memberId: member.memberId };
}

/** The merchant of an API-key request; a member key is refused here, whatever the gateway allowed. */
export function profileFromAuthorizer(context: Record<string, unknown> | null | undefined): MerchantProfile {
  if (context?.principal === 'member') throw new UnauthorizedError('A member key (mk_...) is accepted only by the approval endpoints; use an API key (sk_...).');
  const raw = context?.profile;
  if (typeof raw !== 'string') throw new UnauthorizedError('No merchant was authenticated for this request.');
  return merchantProfileSchema.parse(JSON.parse(raw));
}

/** Who calls an approval endpoint: the merchant (API key) and, for a member key, the member. */
export function approvalCaller(context: Record<string, unknown> | null | undefined): { merchantId: string; memberId?: string } {
  if (context?.principal === 'member' && typeof context.memberId === 'string' && typeof context.merchantId === 'string') {
    return { merchantId: context.merchantId, memberId: context.memberId };
  }
  return { merchantId: profileFromAuthorizer(context).id };
}
