import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import { timingSafeEqual } from 'node:crypto';
import * as z from 'zod/mini';
import { readItem, UnauthorizedError } from '#platform';
import { apiKeyDigest, parseApiKey } from './api-keys.js';
import { apiKeyKey, keyIdKey } from './items.js';
import type { KeyCheckCache } from './key-check-cache.js';
import { getMerchantProfile } from './merchants.js';
import type { MerchantProfile } from './profile.js';

export interface AuthenticateDeps {
  dynamodb: DynamoDBClient;
  kms: KMSClient;
  tableName: string;
  apiKeyDigestKeyId: string;
  /** The authorizer container's memory of checked keys; without it every key is checked afresh. */
  keyCache?: KeyCheckCache;
  /**
   * Accept keys issued before keys carried their id (each costs a KMS MAC before anything can be
   * looked up); off unless the stage still migrates (docs/security.md, "API keys").
   */
  acceptLegacyKeys?: boolean;
}

/** Whom an API key item belongs to. */
const keyOwnerSchema = z.object({ merchantId: z.string() });

/** Resolves `Authorization: Bearer sk_...` to its merchant, or refuses with a reason safe to show. */
export async function authenticateApiKey(deps: AuthenticateDeps, authorization: string | undefined): Promise<MerchantProfile> {
  return (await authenticateKey(deps, authorization)).profile;
}

/**
 * The same, with the key's id: the actor of the audit records the request's changes write.
 * Order of the checks, cheapest first: shape and checksum (no call), the container's refusals (no
 * call), the key id's item (one DynamoDB read), and only for a key id that exists and is not
 * revoked, the KMS MAC. A made-up key therefore never reaches KMS.
 */
export async function authenticateKey(deps: AuthenticateDeps, authorization: string | undefined): Promise<{ profile: MerchantProfile; keyId: string }> {
  if (!authorization) throw new UnauthorizedError('Send your API key as `Authorization: Bearer sk_...`.');
  const key = /^Bearer (\S+)$/.exec(authorization.trim())?.[1];
  const parsed = key === undefined ? ({ kind: 'malformed' } as const) : parseApiKey(key);
  if (parsed.kind === 'malformed') {
    throw new UnauthorizedError('The Authorization header must be `Bearer ` followed by a Lanepay secret key (sk_test_... or sk_live_...), copied whole.');
  }
  if (parsed.kind === 'legacy') return authenticateLegacyKey(deps, key!);
  const { keyId } = parsed;
  throwCachedRefusal(deps, keyId, key!);
  const found = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: keyIdKey(keyId), ConsistentRead: true }));
  // Remembered briefly only: a key held for approval (`lanepay key create`) exists once approved.
  if (!found.Item) throw refuseUnknownId(deps, keyId, 'This API key is not known.');
  if (found.Item.revoked?.BOOL) throw refuseId(deps, keyId, 'This API key was revoked.');
  const digest = await digestOfKey(deps, keyId, key!);
  if (digest === undefined || !sameDigest(digest, found.Item.digest?.S)) throw refuseKey(deps, key!, 'This API key is not known.');
  deps.keyCache?.rememberVerified(keyId, key!, digest);
  return { profile: await getMerchantProfile(deps, readItem(keyOwnerSchema, found.Item).merchantId), keyId };
}

/**
 * The KMS digest of `key` (presented for `keyId`), or undefined when the container already verified
 * another key for that id (so this one cannot match). Shared with member keys (lib/merchants/members).
 */
export async function digestOfKey(deps: AuthenticateDeps, keyId: string, key: string): Promise<string | undefined> {
  const known = deps.keyCache?.check(keyId, key) ?? { result: 'unknown' as const };
  if (known.result === 'match') return known.digest;
  if (known.result === 'mismatch') return undefined;
  return apiKeyDigest(deps.kms, deps.apiKeyDigestKeyId, key);
}

/** Throws the refusal the container remembers for this key or its id, if any. */
export function throwCachedRefusal(deps: AuthenticateDeps, keyId: string | undefined, key: string): void {
  const reason = deps.keyCache?.refusalOf(keyId, key);
  if (reason !== undefined) throw new UnauthorizedError(reason);
}

/** A refusal of a key id that does not exist (yet), remembered by the container for a few seconds. */
export function refuseUnknownId(deps: AuthenticateDeps, keyId: string, reason: string): UnauthorizedError {
  deps.keyCache?.refuseUnknownId(keyId, reason);
  return new UnauthorizedError(reason);
}

/** A refusal of every key with this id (revoked: final), remembered by the container. */
export function refuseId(deps: AuthenticateDeps, keyId: string, reason: string): UnauthorizedError {
  deps.keyCache?.refuseId(keyId, reason);
  return new UnauthorizedError(reason);
}

/** A refusal of this key alone (a wrong secret for a real id: final), remembered by the container. */
export function refuseKey(deps: AuthenticateDeps, key: string, reason: string): UnauthorizedError {
  deps.keyCache?.refuseKey(key, reason);
  return new UnauthorizedError(reason);
}

export function sameDigest(digest: string, stored: string | undefined): boolean {
  return stored !== undefined && stored.length === digest.length && timingSafeEqual(Buffer.from(digest), Buffer.from(stored));
}

/** A key issued without its id: the MAC comes first, then the read of `APIKEY#<digest>`. */
async function authenticateLegacyKey(deps: AuthenticateDeps, key: string): Promise<{ profile: MerchantProfile; keyId: string }> {
  if (!deps.acceptLegacyKeys) {
    throw new UnauthorizedError('This API key has the format issued before keys carried their id, which this Lanepay no longer accepts. Ask its operator for a new key (`lanepay key create`).');
  }
  throwCachedRefusal(deps, undefined, key);
  const digest = await apiKeyDigest(deps.kms, deps.apiKeyDigestKeyId, key);
  const found = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: apiKeyKey(digest) }));
  if (!found.Item) throw refuseKey(deps, key, 'This API key is not known.');
  if (found.Item.revoked?.BOOL) throw refuseKey(deps, key, 'This API key was revoked.');
  const owner = readItem(z.extend(keyOwnerSchema, { keyId: z.string() }), found.Item);
  return { profile: await getMerchantProfile(deps, owner.merchantId), keyId: owner.keyId };
}
