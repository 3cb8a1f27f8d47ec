import { randomBytes } from 'node:crypto';
import type { Stage } from '#platform';
import { checksum, parseKey, type ParsedKey } from '../api-keys.js';

/**
 * Member keys: `mk_test_` / `mk_live_`, the member's id (`mem_` and a ULID), `_`, 43 base64url
 * characters (32 random bytes) and the same 6-character CRC-32 checksum as API keys
 * (lib/merchants/api-keys.ts), so the authorizer tells the two kinds apart by prefix alone and a
 * made-up key is refused on its member id, read before any KMS call. They are stored as the same
 * KMS HMAC digest as API keys (apiKeyDigest).
 */
const memberKeyShape = /^(mk_(?:test|live)_(mem_[0-9a-z]{26})_[A-Za-z0-9_-]{43})([A-Za-z0-9_-]{6})$/;
/** Member keys issued before they carried the member's id (docs/security.md, "API keys"). */
const legacyMemberKeyShape = /^(mk_(?:test|live)_[A-Za-z0-9_-]{43})([A-Za-z0-9_-]{6})$/;

/** A new key for the member `memberId` (`mem_...`, from newId('mem')). */
export function newMemberKey(stage: Stage, memberId: string): string {
  const body = `mk_${stage === 'prod' ? 'live' : 'test'}_${memberId}_${randomBytes(32).toString('base64url')}`;
  const key = `${body}${checksum(body)}`;
  if (!memberKeyShape.test(key)) throw new Error(`Not a member id: ${memberId}`);
  return key;
}

/** What a presented member key is: `current` with its member's id, `legacy` or `malformed`. */
export function parseMemberKey(candidate: string): ParsedKey {
  return parseKey(candidate, memberKeyShape, legacyMemberKeyShape);
}

/** True for a member key of an issued shape whose checksum holds; says nothing of whether it exists. */
export function isWellFormedMemberKey(candidate: string): boolean {
  return parseMemberKey(candidate).kind !== 'malformed';
}

/** Any token that starts like a member key, well formed or not: the authorizer routes on this. */
export function looksLikeMemberKey(token: string): boolean {
  return /^mk_/.test(token);
}
