import { randomBytes } from 'node:crypto';
import type { Stage } from '../aws/config.js';
import { checksum } from '../merchants/api-keys.js';

/**
 * Member keys: `mk_test_` / `mk_live_`, 43 base64url characters (32 random bytes) and the same
 * 6-character CRC-32 checksum as API keys (lib/merchants/api-keys.ts), so a mistyped key is
 * refused before any KMS call and the authorizer tells the two kinds apart by prefix alone.
 * They are stored as the same KMS HMAC digest as API keys (apiKeyDigest).
 */
const memberKeyShape = /^(mk_(?:test|live)_[A-Za-z0-9_-]{43})([A-Za-z0-9_-]{6})$/;

export function newMemberKey(stage: Stage): string {
  const body = `mk_${stage === 'prod' ? 'live' : 'test'}_${randomBytes(32).toString('base64url')}`;
  return `${body}${checksum(body)}`;
}

/** True for a member key of the issued shape whose checksum holds; says nothing of whether it exists. */
export function isWellFormedMemberKey(candidate: string): boolean {
  const match = memberKeyShape.exec(candidate);
  return match !== null && checksum(match[1]!) === match[2];
}

/** Any token that starts like a member key, well formed or not: the authorizer routes on this. */
export function looksLikeMemberKey(token: string): boolean {
  return /^mk_/.test(token);
}
