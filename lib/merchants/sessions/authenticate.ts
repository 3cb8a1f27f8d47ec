import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import { UnauthorizedError } from '#platform';
import { getMerchantProfile } from '../merchants.js';
import { memberRoleOf, type MemberRole } from '../members/items.js';
import type { MerchantProfile } from '../profile.js';
import { SessionRequiredError } from './errors.js';
import { currentSession } from './sessions.js';
import { looksLikeSessionToken } from './tokens.js';

/** The session token in `Authorization: Bearer cs_...`, or undefined for any other header. */
export function sessionBearer(authorization: string | undefined): string | undefined {
  const token = /^Bearer (\S+)$/.exec(authorization?.trim() ?? '')?.[1];
  return token !== undefined && looksLikeSessionToken(token) ? token : undefined;
}

/**
 * The authorizer's check of a console session (the proxy's `Authorization: Bearer cs_...`): MAC,
 * live session, active member, and the member's role and merchant profile, which name the routes the
 * policy allows (api/http/console-routes.ts). It never moves the idle expiry (the proxy does).
 */
export async function authenticateSession(
  deps: { dynamodb: DynamoDBClient; kms: KMSClient; tableName: string; sessionKeyId: string; now: () => Date },
  token: string,
): Promise<{ sessionId: string; memberId: string; merchantId: string; role: MemberRole; profile: MerchantProfile }> {
  let current;
  try {
    // Read only: the authorizer may not write; the proxy ends a revoked member's session.
    current = await currentSession(deps, token, { touch: false, endRevoked: false });
  } catch (error) {
    if (error instanceof SessionRequiredError) throw new UnauthorizedError(error.detail);
    throw error;
  }
  const { session, member } = current;
  return { sessionId: session.id, memberId: member.id, merchantId: member.merchantId, role: memberRoleOf(member), profile: await getMerchantProfile(deps, member.merchantId) };
}
