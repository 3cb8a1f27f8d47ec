import { GenerateMacCommand, type KMSClient } from '@aws-sdk/client-kms';
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { Stage } from '../aws/config.js';

/**
 * `sk_test_` on local and dev, `sk_live_` on prod, then 43 base64url characters (32 random bytes)
 * and 6 of checksum (CRC-32 of everything before it), as GitHub's tokens carry one: a mistyped or
 * made-up key is refused before any KMS or DynamoDB call, and secret scanners can tell ours apart.
 */
const apiKeyShape = /^(sk_(?:test|live)_[A-Za-z0-9_-]{43})([A-Za-z0-9_-]{6})$/;

/** CRC-32 of a key's body, base64url (6 characters): shared by API keys and member keys (lib/members). */
export function checksum(body: string): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(crc32(body));
  return bytes.toString('base64url');
}

export function newApiKey(stage: Stage): string {
  const body = `sk_${stage === 'prod' ? 'live' : 'test'}_${randomBytes(32).toString('base64url')}`;
  return `${body}${checksum(body)}`;
}

/** True for a key of the issued shape whose checksum holds; says nothing of whether it exists. */
export function isWellFormedApiKey(candidate: string): boolean {
  const match = apiKeyShape.exec(candidate);
  return match !== null && checksum(match[1]!) === match[2];
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
