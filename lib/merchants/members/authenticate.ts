import type { AuthenticateDeps } from '../authenticate.js';
import { getMerchantProfile } from '../merchants.js';
import type { MerchantProfile } from '../profile.js';
import { looksLikeMemberKey } from './member-keys.js';
import { authenticateMemberKey } from './members.js';

/** The member key in `Authorization: Bearer mk_...`, or undefined for any other header (an API key). */
export function memberBearer(authorization: string | undefined): string | undefined {
  const token = /^Bearer (\S+)$/.exec(authorization?.trim() ?? '')?.[1];
  return token !== undefined && looksLikeMemberKey(token) ? token : undefined;
}

/** A member key's member and merchant, with the merchant's profile (its usage-plan key). */
export async function authenticateMember(deps: AuthenticateDeps, token: string): Promise<{ memberId: string; merchantId: string; profile: MerchantProfile }> {
  // Refuses a revoked member (lanepay member revoke) on the member read it starts with.
  const member = await authenticateMemberKey(deps, token);
  return { ...member, profile: await getMerchantProfile(deps, member.merchantId) };
}
