import { GenerateMacCommand, type KMSClient } from '@aws-sdk/client-kms';
import { randomBytes } from 'node:crypto';
import type { Stage } from '../aws/config.js';

/** `sk_test_` on local and dev, `sk_live_` on prod, then 43 base64url characters (32 random bytes). */
export const apiKeyPattern = /^sk_(test|live)_[A-Za-z0-9_-]{43}$/;

export function newApiKey(stage: Stage): string {
  return `sk_${stage === 'prod' ? 'live' : 'test'}_${randomBytes(32).toString('base64url')}`;
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
