import type { AuditActor } from '#audit';
import { isMemberRole, merchantProfileSchema, type MemberRole, type MerchantProfile } from '#merchants';
import { UnauthorizedError } from '#platform';

/**
 * What the authorizer hands to every merchant API function (API Gateway allows only flat string
 * values), so they need no read of the merchant themselves. `principal` says whether an API key
 * or a member key (approval endpoints only) was presented.
 */
export function authorizerContext(profile: MerchantProfile, keyId?: string): Record<string, string> {
  return { merchantId: profile.id, principal: 'api_key', profile: JSON.stringify(profile), ...(keyId ? { keyId } : {}) };
}

/**
 * A console session (lib/merchants/sessions): the member, its role and its merchant's profile. The
 * member reads and acts as its merchant, within what its role's rows of api/http/console-routes.ts allow.
 */
export function sessionAuthorizerContext(session: { sessionId: string; memberId: string; role: MemberRole; profile: MerchantProfile }): Record<string, string> {
  return { merchantId: session.profile.id, principal: 'session', memberId: session.memberId, role: session.role, sessionId: session.sessionId, profile: JSON.stringify(session.profile) };
}

/** The role of a console session's member; undefined for an API key or a member key. */
export function consoleRoleOf(context: Record<string, unknown> | null | undefined): MemberRole | undefined {
  if (context?.principal !== 'session') return undefined;
  const role = context.role;
  return typeof role === 'string' && isMemberRole(role) ? role : undefined;
}

/** Who made the request, as the actor of its audit records: the API key or the member (a member key or a console session). */
export function actorFromAuthorizer(context: Record<string, unknown> | null | undefined): AuditActor {
  if ((context?.principal === 'member' || context?.principal === 'session') && typeof context.memberId === 'string') return { type: 'member', id: context.memberId };
  return { type: 'api_key', id: typeof context?.keyId === 'string' ? context.keyId : null };
}

export function memberAuthorizerContext(member: { memberId: string; merchantId: string }): Record<string, string> {
  return { merchantId: member.merchantId, principal: 'member', memberId: member.memberId };
}

/**
 * The merchant of an API-key request or of a console session (its member acts for it); a member key
 * is refused here, whatever the gateway allowed.
 */
export function profileFromAuthorizer(context: Record<string, unknown> | null | undefined): MerchantProfile {
  if (context?.principal === 'member') throw new UnauthorizedError('A member key (mk_...) is accepted only by the approval endpoints; use an API key (sk_...).');
  const raw = context?.profile;
  if (typeof raw !== 'string') throw new UnauthorizedError('No merchant was authenticated for this request.');
  return merchantProfileSchema.parse(JSON.parse(raw));
}

/** Who calls an approval endpoint: the merchant (API key) and, for a member key or a console session, the member. */
export function approvalCaller(context: Record<string, unknown> | null | undefined): { merchantId: string; memberId?: string } {
  if ((context?.principal === 'member' || context?.principal === 'session') && typeof context.memberId === 'string' && typeof context.merchantId === 'string') {
    return { merchantId: context.merchantId, memberId: context.memberId };
  }
  return { merchantId: profileFromAuthorizer(context).id };
}
