import { GetItemCommand, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import { operatorActor, writeAudited, type AuditActor } from '#audit';
import { newMerchantAccountItem } from '#ledger';
import { ConcurrentChangeError, conditionFailedAt, newId, NotFoundError, type Stage } from '#platform';
import { apiKeyDigest, newApiKey } from './api-keys.js';
import { apiKeyKey, keyIdKey, merchantProfileKey } from './items.js';
import { merchantProfileSchema, type MerchantProfile } from './profile.js';

export interface MerchantDeps {
  dynamodb: DynamoDBClient;
  kms: KMSClient;
  tableName: string;
  apiKeyDigestKeyId: string;
  stage: Stage;
  assets: string[];
  now?: () => Date;
  /** Who makes the change, for the audit record; the CLI's operator unless said otherwise. */
  actor?: AuditActor;
}

export interface IssuedKey {
  merchant_id: string;
  key_id: string;
  api_key: string;
}

/** Creates a merchant, its ledger account per asset and a first API key, in one transaction. */
export async function createMerchant(deps: MerchantDeps, input: { name: string; feeBps?: number; feeFixedMinor?: bigint; platform?: boolean }): Promise<IssuedKey & { name: string }> {
  const merchantId = newId('mer');
  const at = deps.now?.() ?? new Date();
  const now = at.toISOString();
  const profile: MerchantProfile = merchantProfileSchema.parse({
    id: merchantId,
    name: input.name,
    createdAt: now,
    fee: { bps: input.feeBps ?? 0, fixedMinor: (input.feeFixedMinor ?? 0n).toString() },
    risk: {},
    ...(input.platform ? { platform: true } : {}),
  });
  const key = await keyItems(deps, merchantId, now);
  const items: TransactWriteItem[] = [
    {
      Put: {
        TableName: deps.tableName,
        Item: { ...merchantProfileKey(merchantId), entity: { S: 'merchant' }, profile: { S: JSON.stringify(profile) } },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    ...deps.assets.map((asset) => ({
      Put: {
        TableName: deps.tableName,
        Item: newMerchantAccountItem(merchantId, asset),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    })),
    ...key.items,
  ];
  // One record per transaction: the first key is part of the creation.
  await writeAudited(deps, { items, audit: { merchantId, actor: deps.actor ?? operatorActor, action: 'merchant.created', object: { type: 'merchant', id: merchantId }, at } });
  return { merchant_id: merchantId, name: input.name, key_id: key.keyId, api_key: key.apiKey };
}

/** Issues another key for rotation; the old one keeps working until revoked. */
export async function createApiKey(deps: MerchantDeps, merchantId: string): Promise<IssuedKey> {
  await getMerchantProfile(deps, merchantId);
  const at = deps.now?.() ?? new Date();
  const key = await keyItems(deps, merchantId, at.toISOString());
  await writeAudited(deps, { items: key.items, audit: { merchantId, actor: deps.actor ?? operatorActor, action: 'api_key.created', object: { type: 'api_key', id: key.keyId }, at } });
  return { merchant_id: merchantId, key_id: key.keyId, api_key: key.apiKey };
}

/** Revokes a key by id: both of its items change in one transaction. */
export async function revokeApiKey(deps: MerchantDeps, keyId: string): Promise<void> {
  const [digest, merchantId] = await Promise.all([apiKeyDigestOf(deps, keyId), apiKeyMerchant(deps, keyId)]);
  await writeAudited(deps, {
    items: revokeApiKeyItems(deps.tableName, keyId, digest),
    audit: { merchantId, actor: deps.actor ?? operatorActor, action: 'api_key.revoked', object: { type: 'api_key', id: keyId }, at: deps.now?.() ?? new Date() },
  });
}

/** The stored digest of a key, by its id (what revocation needs); a 404 for an unknown id. */
export async function apiKeyDigestOf(deps: Pick<MerchantDeps, 'dynamodb' | 'tableName'>, keyId: string): Promise<string> {
  const found = await deps.dynamodb.send(
    new GetItemCommand({ TableName: deps.tableName, Key: keyIdKey(keyId), ConsistentRead: true }),
  );
  const digest = found.Item?.digest?.S;
  if (!digest) throw new NotFoundError('API key', keyId);
  return digest;
}

/** The merchant a key belongs to, by key id. */
export async function apiKeyMerchant(deps: Pick<MerchantDeps, 'dynamodb' | 'tableName'>, keyId: string): Promise<string> {
  const found = await deps.dynamodb.send(
    new GetItemCommand({ TableName: deps.tableName, Key: keyIdKey(keyId), ConsistentRead: true }),
  );
  const merchantId = found.Item?.merchantId?.S;
  if (!merchantId) throw new NotFoundError('API key', keyId);
  return merchantId;
}

/** The items of `api_key.revoke`, in one place so another record (an audit entry) can join them. */
export function revokeApiKeyItems(tableName: string, keyId: string, digest: string): TransactWriteItem[] {
  const revoke = (key: ReturnType<typeof keyIdKey>): TransactWriteItem => ({
    Update: {
      TableName: tableName,
      Key: key,
      UpdateExpression: 'SET revoked = :true',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':true': { BOOL: true } },
    },
  });
  return [revoke(keyIdKey(keyId)), revoke(apiKeyKey(digest))];
}

export async function getMerchantProfile(deps: Pick<MerchantDeps, 'dynamodb' | 'tableName'>, merchantId: string): Promise<MerchantProfile> {
  const result = await deps.dynamodb.send(
    new GetItemCommand({ TableName: deps.tableName, Key: merchantProfileKey(merchantId), ConsistentRead: true }),
  );
  const raw = result.Item?.profile?.S;
  if (!raw) throw new NotFoundError('merchant', merchantId);
  return merchantProfileSchema.parse(JSON.parse(raw));
}

export async function updateMerchantProfile(
  deps: Pick<MerchantDeps, 'dynamodb' | 'tableName' | 'now' | 'actor'>,
  merchantId: string,
  change: (profile: MerchantProfile) => MerchantProfile,
): Promise<MerchantProfile> {
  const current = await getMerchantProfile(deps, merchantId);
  const next = merchantProfileSchema.parse(change(current));
  // Risk limits and the approval policy are their own administrative acts in the audit log; anything else is a profile change.
  const changed = (field: 'risk' | 'approvals') => JSON.stringify(next[field]) !== JSON.stringify(current[field]);
  const action = changed('risk') ? 'risk_settings.updated' : changed('approvals') ? 'approval_policy.updated' : 'merchant.profile_updated';
  try {
    await writeAudited(deps, {
      items: [
        {
          Update: {
            TableName: deps.tableName,
            Key: merchantProfileKey(merchantId),
            UpdateExpression: 'SET profile = :next',
            // Conditioned on the profile read, so two concurrent edits cannot overwrite each other.
            ConditionExpression: 'profile = :current',
            ExpressionAttributeValues: { ':next': { S: JSON.stringify(next) }, ':current': { S: JSON.stringify(current) } },
          },
        },
      ],
      audit: { merchantId, actor: deps.actor ?? operatorActor, action, object: { type: 'merchant', id: merchantId }, at: deps.now?.() ?? new Date() },
    });
  } catch (error) {
    if (conditionFailedAt(error, 0)) {
      throw new ConcurrentChangeError('The merchant profile changed meanwhile; try again.');
    }
    throw error;
  }
  return next;
}

/** A new key: its secret (shown once), id and digest; nothing is written yet. */
export async function mintApiKey(deps: Pick<MerchantDeps, 'kms' | 'apiKeyDigestKeyId' | 'stage'>) {
  const keyId = newId('key');
  const apiKey = newApiKey(deps.stage, keyId);
  return { apiKey, keyId, digest: await apiKeyDigest(deps.kms, deps.apiKeyDigestKeyId, apiKey) };
}

async function keyItems(deps: MerchantDeps, merchantId: string, nowIso: string) {
  const minted = await mintApiKey(deps);
  return { apiKey: minted.apiKey, keyId: minted.keyId, items: apiKeyItems(deps.tableName, merchantId, minted.keyId, minted.digest, nowIso) };
}

/**
 * The items of `api_key.create`, written together: by key id (what the authorizer reads first, the
 * id being part of the key, and what revocation finds) and by digest (what keys issued before
 * their id was part of them are found by).
 */
export function apiKeyItems(tableName: string, merchantId: string, keyId: string, digest: string, nowIso: string): TransactWriteItem[] {
  const common = { entity: { S: 'api-key' }, keyId: { S: keyId }, merchantId: { S: merchantId }, digest: { S: digest }, revoked: { BOOL: false }, createdAt: { S: nowIso } };
  return [
    { Put: { TableName: tableName, Item: { ...apiKeyKey(digest), ...common }, ConditionExpression: 'attribute_not_exists(pk)' } },
    { Put: { TableName: tableName, Item: { ...keyIdKey(keyId), ...common }, ConditionExpression: 'attribute_not_exists(pk)' } },
  ];
}

/**
 * The item replacing a merchant's profile, conditioned on the profile read (two concurrent edits
 * cannot overwrite each other): used directly and by approvals applying a held change.
 */
export function replaceProfileItem(tableName: string, merchantId: string, current: MerchantProfile, next: MerchantProfile): TransactWriteItem {
  return {
    Update: {
      TableName: tableName,
      Key: merchantProfileKey(merchantId),
      UpdateExpression: 'SET profile = :next',
      ConditionExpression: 'profile = :current',
      ExpressionAttributeValues: { ':next': { S: JSON.stringify(merchantProfileSchema.parse(next)) }, ':current': { S: JSON.stringify(current) } },
    },
  };
}

export { merchantProfileKey } from './items.js';
