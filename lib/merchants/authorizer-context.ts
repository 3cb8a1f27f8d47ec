import { UnauthorizedError } from '../errors/index.js';
import { merchantProfileSchema, type MerchantProfile } from './profile.js';

/**
 * What the authorizer hands to every merchant API function (API Gateway allows only flat string
 * values), so they need no read of the merchant themselves.
 */
export function authorizerContext(profile: MerchantProfile): Record<string, string> {
  return { merchantId: profile.id, profile: JSON.stringify(profile) };
}

export function profileFromAuthorizer(context: Record<string, unknown> | null | undefined): MerchantProfile {
  const raw = context?.profile;
  if (typeof raw !== 'string') throw new UnauthorizedError('No merchant was authenticated for this request.');
  return merchantProfileSchema.parse(JSON.parse(raw));
}
