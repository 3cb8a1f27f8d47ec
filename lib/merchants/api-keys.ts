import { GenerateMacCommand, type KMSClient } from '@aws-sdk/client-kms';
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { Stage } from '#platform';

/**
 * `sk_test_` on local and dev, `sk_live_` on prod, then the key's id (`key_` and a ULID, the id of
 * its `KEYID#` item), `_`, 43 base64url characters (32 random bytes) and 6 of checksum (CRC-32 of
 * everything before it), as GitHub's tokens carry one. The checksum refuses a mistyped key before
 * any call, but it is public: anyone can make keys that pass it. The id is what makes such a key
 * cheap to refuse: it is looked up in DynamoDB before any KMS call (lib/merchants/authenticate.ts).
 */
const apiKeyShape = /^(sk_(?:test|live)_(key_[0-9a-z]{26})_[A-Za-z0-9_-]{43})([A-Za-z0-9_-]{6})$/;

/**
 * Keys issued before the id was part of them: `sk_test_`, 43 random characters, checksum. Nothing
 * in them can be looked up without a KMS MAC, so they are accepted only while the stage allows
 * them (docs/security.md, "API keys": the migration).
 */
const legacyApiKeyShape = /^(sk_(?:test|live)_[A-Za-z0-9_-]{43})([A-Za-z0-9_-]{6})$/;

/** CRC-32 of a key's body, base64url (6 characters): shared by API keys and member keys (lib/merchants/members). */
export function checksum(body: string): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(crc32(body));
  return bytes.toString('base64url');
}

/** A new key for the key id `keyId` (`key_...`, from newId('key')). */
export function newApiKey(stage: Stage, keyId: string): string {
  const body = `sk_${stage === 'prod' ? 'live' : 'test'}_${keyId}_${randomBytes(32).toString('base64url')}`;
  if (!apiKeyShape.test(`${body}${checksum(body)}`)) throw new Error(`Not an API key id: ${keyId}`);
  return `${body}${checksum(body)}`;
}

/**
 * What a presented key is: `current` with the key id it names, `legacy` (issued without an id), or
 * `malformed` (wrong shape or checksum). Says nothing of whether the key exists.
 */
export type ParsedKey = { kind: 'current'; keyId: string } | { kind: 'legacy' } | { kind: 'malformed' };

export function parseApiKey(candidate: string): ParsedKey {
  return parseKey(candidate, apiKeyShape, legacyApiKeyShape);
}

/** The same parse for a key kind of the same layout (member keys: `mk_`, `mem_` ids). */
export function parseKey(candidate: string, shape: RegExp, legacyShape: RegExp): ParsedKey {
  const current = shape.exec(candidate);
  if (current) return checksum(current[1]!) === current[3] ? { kind: 'current', keyId: current[2]! } : { kind: 'malformed' };
  const legacy = legacyShape.exec(candidate);
  return legacy && checksum(legacy[1]!) === legacy[2] ? { kind: 'legacy' } : { kind: 'malformed' };
}

/** True for a key of an issued shape (with or without its id) whose checksum holds. */
export function isWellFormedApiKey(candidate: string): boolean {
  return parseApiKey(candidate).kind !== 'malformed';
}

/**
 * The only form of a key that is stored: an HMAC computed inside KMS, so a copy of the table
 * is useless without the key's KMS permissions.
 */
export async function apiKeyDigest(kms: KMSClient, digestKeyId: string, apiKey: string): Promise<string> {
  const result = await kms.send(
    new GenerateMacCommand({ KeyId: digestKeyId, MacAlgorithm: 'HMAC_SHA_256', Message: Buffer.from(apiKey, 'utf8') }),
  );
  if (!result.Mac) throw new Error('KMS GenerateMac returned no MAC');
  return Buffer.from(result.Mac).toString('hex');
}
