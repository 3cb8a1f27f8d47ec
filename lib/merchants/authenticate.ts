import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import { UnauthorizedError } from '../errors/index.js';
import { apiKeyDigest, isWellFormedApiKey } from './api-keys.js';
import { apiKeyKey } from './items.js';
import { getMerchantProfile } from './merchants.js';
import type { MerchantProfile } from './profile.js';

export interface AuthenticateDeps {
  dynamodb: DynamoDBClient;
  kms: KMSClient;
  tableName: string;
  apiKeyDigestKeyId: string;
}

/** Resolves `Authorization: Bearer sk_...` to its merchant, or refuses with a reason safe to show. */
export async function authenticateApiKey(deps: AuthenticateDeps, authorization: string | undefined): Promise<MerchantProfile> {
  return (await authenticateKey(deps, authorization)).profile;
}

/** The same, with the key's id: the actor of the audit records the request's changes write. */
export async function authenticateKey(deps: AuthenticateDeps, authorization: string | undefined): Promise<{ profile: MerchantProfile; keyId: string }> {
  if (!authorization) throw new UnauthorizedError('Send your API key as `Authorization: Bearer sk_...`.');
  const match = /^Bearer (\S+)$/.exec(authorization.trim());
  if (!match || !isWellFormedApiKey(match[1]!)) {
    // Checked before any KMS or DynamoDB call: guessed and mistyped keys cost nothing to refuse.
    throw new UnauthorizedError('The Authorization header must be `Bearer ` followed by a Lanepay secret key (sk_test_... or sk_live_...), copied whole.');
  }
  const digest = await apiKeyDigest(deps.kms, deps.apiKeyDigestKeyId, match[1]!);
  const key = await deps.dynamodb.send(
    new GetItemCommand({ TableName: deps.tableName, Key: apiKeyKey(digest) }),
  );
  if (!key.Item) throw new UnauthorizedError('This API key is not known.');
  if (key.Item.revoked?.BOOL) throw new UnauthorizedError('This API key was revoked.');
  return { profile: await getMerchantProfile(deps, key.Item.merchantId!.S!), keyId: key.Item.keyId!.S! };
}
