import type { AuditActor } from '../audit/index.js';
import { UnauthorizedError } from '../errors/index.js';
import { merchantProfileSchema, type MerchantProfile } from './profile.js';

/**
 * What the authorizer hands to every merchant API function (API Gateway allows only flat string
 * values), so they need no read of the merchant themselves.
 */
export function authorizerContext(profile: MerchantProfile, keyId?: string): Record<string, string> {
  return { merchantId: profile.id, profile: JSON.stringify(profile), ...(keyId ? { keyId } : {}) };
}

/** The API key that made the request, as the actor of its audit records. */
export function actorFromAuthorizer(context: Record<string, unknown> | null | undefined): AuditActor {
  return { type: 'api_key', id: typeof context?.keyId === 'string' ? context.keyId : null };
}

export function profileFromAuthorizer(context: Record<string, unknown> | null | undefined): MerchantProfile {
  const raw = context?.profile;
  if (typeof raw !== 'string') throw new UnauthorizedError('No merchant was authenticated for this request.');
  return merchantProfileSchema.parse(JSON.parse(raw));
}
