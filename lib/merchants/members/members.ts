import { GetItemCommand, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import * as z from 'zod/mini';
import { operatorActor, writeAudited, type AuditActor } from '#audit';
import { conditionFailedAt, newId, NotFoundError, readItem, UnauthorizedError, type Stage } from '#platform';
import { apiKeyDigest } from '../api-keys.js';
import { digestOfKey, refuseId, refuseKey, refuseUnknownId, throwCachedRefusal, type AuthenticateDeps } from '../authenticate.js';
import { getMerchantProfile } from '../merchants.js';
import { activeMemberCount, countMemberAddedItem } from './active-count.js';
import { MemberEmailTakenError, TreasuryNotConfiguredError, TreasuryOtherMerchantError, TreasuryOwnerTakenError, TreasuryOwnerUnknownError, TreasuryPlatformOnlyError } from './errors.js';
import { defaultMemberRole, memberEmailKey, memberFromItem, memberItem, memberKey, memberKeyDigestKey, type MemberRecord, type MemberRole } from './items.js';
import { newMemberKey, parseMemberKey } from './member-keys.js';
import { newTotpSecret, sealSecret, totpFor } from './totp.js';
import { bindingRefusalOffsets, bindOwnerItems, treasuryMerchant, treasuryOwnerBinding, type TreasuryShape } from './treasury-owners.js';

export interface MemberDeps {
  dynamodb: DynamoDBClient;
  kms: KMSClient;
  tableName: string;
  /** The KMS HMAC key API keys are digested with; member keys use it too. */
  apiKeyDigestKeyId: string;
  /** The KMS key TOTP secrets are sealed under (envelope encryption). */
  dataKeyId: string;
  stage: Stage;
  now?: () => Date;
  /** Who adds members: the operator (CLI) unless said otherwise. */
  actor?: AuditActor;
  /** The stage's treasury (its chain registry's Safes), when it has one: owner indexes and the signatures a transfer needs. */
  treasury?: TreasuryShape | undefined;
}

export interface AddedMember {
  id: string;
  merchant_id: string;
  email: string;
  role: MemberRole;
  /** Shown once: only its digest is stored. */
  key: string;
  /** Shown once: the secret is stored sealed under KMS. */
  otpauth_uri: string;
  /** The treasury owner key (1..N) this platform member's approvals sign with, if bound to one. */
  treasury_owner?: number;
}

/** A member ready to be written: what `member.add` writes, and what is shown once. */
export interface PreparedMember {
  record: MemberRecord;
  keyDigest: string;
  shown: AddedMember;
}

/**
 * Adds a member: the member (secret sealed), its key digest, its email's uniqueness item and the
 * active count in one transaction. The key and the otpauth URI exist in plain text only in the
 * answer. `hold` may hold the prepared member for approval instead (lib/merchants/approvals/member-changes.ts):
 * then nothing is written here and the answer carries what `hold` returned.
 */
export async function addMember<Held>(
  deps: MemberDeps,
  input: { merchantId: string; email: string; role?: MemberRole | undefined; treasuryOwner?: number | undefined },
  hold?: (prepared: PreparedMember) => Promise<Held | undefined>,
): Promise<AddedMember & { held?: Held }> {
  const merchant = await getMerchantProfile(deps, input.merchantId);
  if (input.treasuryOwner !== undefined) await assertOwnerBindable(deps, merchant, input.treasuryOwner);
  const id = newId('mem');
  const secret = newTotpSecret();
  const key = newMemberKey(deps.stage, id);
  const [digest, sealed] = await Promise.all([
    apiKeyDigest(deps.kms, deps.apiKeyDigestKeyId, key),
    sealSecret(deps, { merchantId: input.merchantId, memberId: id }, secret),
  ]);
  const at = deps.now?.() ?? new Date();
  const role = input.role ?? defaultMemberRole;
  const owner = input.treasuryOwner !== undefined ? { treasuryOwner: input.treasuryOwner } : {};
  const record: MemberRecord = { id, merchantId: input.merchantId, email: input.email, role, createdAt: at.toISOString(), secret: sealed, failedCodes: 0, ...owner };
  const shown: AddedMember = {
    id, merchant_id: input.merchantId, email: input.email, role, key, otpauth_uri: totpFor(secret, input.email).toString(),
    ...(input.treasuryOwner !== undefined ? { treasury_owner: input.treasuryOwner } : {}),
  };
  await assertEmailFree(deps, input.merchantId, input.email);
  // Read before any transaction that adds to it (here or when a held add is approved): it creates
  // the active count of a merchant whose members predate it.
  await activeMemberCount(deps, input.merchantId);
  const held = await hold?.({ record, keyDigest: digest, shown });
  if (held !== undefined) return { ...shown, held };
  try {
    await writeAudited(deps, {
      items: addMemberItems(deps.tableName, record, digest),
      audit: { merchantId: input.merchantId, actor: deps.actor ?? operatorActor, action: 'member.added', object: { type: 'member', id }, at },
    });
  } catch (error) {
    if (conditionFailedAt(error, 2)) throw new MemberEmailTakenError(input.email);
    if (input.treasuryOwner !== undefined) {
      if (conditionFailedAt(error, ownerBindingIndex + bindingRefusalOffsets.owner)) throw await ownerTakenError(deps, input.treasuryOwner);
      if (conditionFailedAt(error, ownerBindingIndex + bindingRefusalOffsets.treasuryMerchant)) throw new TreasuryOtherMerchantError(input.merchantId, await treasuryMerchant(deps));
    }
    throw error;
  }
  return shown;
}

/**
 * A treasury owner is a member of the platform merchant, bound to an owner key the stage's treasury
 * has and no other member holds (checked again, as a condition, in the transaction that binds it).
 */
async function assertOwnerBindable(deps: MemberDeps, merchant: { id: string; platform?: boolean | undefined }, index: number): Promise<void> {
  if (merchant.platform !== true) throw new TreasuryPlatformOnlyError(merchant.id, 'A treasury owner');
  if (!deps.treasury) throw new TreasuryNotConfiguredError();
  if (!Number.isInteger(index) || index < 1 || index > deps.treasury.owners) throw new TreasuryOwnerUnknownError(index, deps.treasury.owners);
  const holder = await treasuryMerchant(deps);
  if (holder !== undefined && holder !== merchant.id) throw new TreasuryOtherMerchantError(merchant.id, holder);
  const bound = await treasuryOwnerBinding(deps, index);
  if (bound) throw new TreasuryOwnerTakenError(index, bound.memberId);
}

/** The refusal of a binding that lost a race (the holder is read again for the message). */
export async function ownerTakenError(deps: Pick<MemberDeps, 'dynamodb' | 'tableName'>, index: number): Promise<TreasuryOwnerTakenError> {
  return new TreasuryOwnerTakenError(index, (await treasuryOwnerBinding(deps, index))?.memberId);
}

/** Position of the owner binding's first item (bindOwnerItems) in addMemberItems. */
export const ownerBindingIndex = 4;

/** Refuses an email a member of the merchant already has, before anything is minted or held. */
async function assertEmailFree(deps: Pick<MemberDeps, 'dynamodb' | 'tableName'>, merchantId: string, email: string): Promise<void> {
  const found = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: memberEmailKey(merchantId, email), ConsistentRead: true }));
  if (found.Item) throw new MemberEmailTakenError(email);
}

/** The items of `member.add`, in one place so another record (an audit entry) can join them. */
export function addMemberItems(tableName: string, record: MemberRecord, keyDigest: string): TransactWriteItem[] {
  const notExists = 'attribute_not_exists(pk)';
  return [
    { Put: { TableName: tableName, Item: memberItem(record), ConditionExpression: notExists } },
    { Put: { TableName: tableName, Item: { ...memberKeyDigestKey(keyDigest), entity: { S: 'member-key' }, memberId: { S: record.id }, merchantId: { S: record.merchantId }, revoked: { BOOL: false } }, ConditionExpression: notExists } },
    { Put: { TableName: tableName, Item: { ...memberEmailKey(record.merchantId, record.email), entity: { S: 'member-email' }, memberId: { S: record.id } }, ConditionExpression: notExists } },
    countMemberAddedItem(tableName, record.merchantId),
    ...(record.treasuryOwner !== undefined ? bindOwnerItems(tableName, record.merchantId, record.id, record.treasuryOwner) : []),
  ];
}

export async function readMember(deps: Pick<MemberDeps, 'dynamodb' | 'tableName'>, merchantId: string, memberId: string): Promise<MemberRecord> {
  const result = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: memberKey(memberId), ConsistentRead: true }));
  if (!result.Item || result.Item.merchantId?.S !== merchantId) throw new NotFoundError('member', memberId);
  return memberFromItem(result.Item);
}

/** True while the member exists and was not revoked: the authorizer refuses a revoked member's key. */
export async function memberIsActive(deps: Pick<MemberDeps, 'dynamodb' | 'tableName'>, merchantId: string, memberId: string): Promise<boolean> {
  const result = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: memberKey(memberId), ProjectionExpression: 'merchantId, revokedAt' }));
  return result.Item?.merchantId?.S === merchantId && result.Item.revokedAt === undefined;
}

/** Whom a member key digest item belongs to. */
const keyOwnerSchema = z.object({ memberId: z.string(), merchantId: z.string() });

/**
 * Resolves `Bearer mk_...` to its member and merchant, or refuses with a reason safe to show. As for
 * API keys (lib/merchants/authenticate.ts), the member id in the key is read before any KMS call.
 */
export async function authenticateMemberKey(deps: AuthenticateDeps, token: string): Promise<{ memberId: string; merchantId: string }> {
  const parsed = parseMemberKey(token);
  if (parsed.kind === 'malformed') throw new UnauthorizedError('A member key is mk_test_... or mk_live_..., copied whole.');
  if (parsed.kind === 'legacy') return authenticateLegacyMemberKey(deps, token);
  const memberId = parsed.keyId;
  throwCachedRefusal(deps, memberId, token);
  const member = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: memberKey(memberId), ConsistentRead: true }));
  if (!member.Item) throw refuseUnknownId(deps, memberId, 'This member key is not known.');
  if (member.Item.revokedAt !== undefined) throw refuseId(deps, memberId, 'This member was revoked.');
  const digest = await digestOfKey(deps, memberId, token);
  const found = digest === undefined ? undefined : await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: memberKeyDigestKey(digest) }));
  if (!found?.Item || found.Item.memberId?.S !== memberId) throw refuseKey(deps, token, 'This member key is not known.');
  if (found.Item.revoked?.BOOL) throw refuseKey(deps, token, 'This member key was revoked.');
  // A member has one key (addMember): the container may take another key for this id as wrong
  // (KeyCheckCache.check). A rotation of member keys would need a key id of its own in the key.
  deps.keyCache?.rememberVerified(memberId, token, digest!);
  return { memberId, merchantId: readItem(keyOwnerSchema, found.Item).merchantId };
}

/** A member key issued without its member's id: accepted while the stage accepts such API keys. */
async function authenticateLegacyMemberKey(deps: AuthenticateDeps, token: string): Promise<{ memberId: string; merchantId: string }> {
  if (!deps.acceptLegacyKeys) {
    throw new UnauthorizedError('This member key has the format issued before keys carried their id, which this Lanepay no longer accepts. Ask its operator for a new one.');
  }
  throwCachedRefusal(deps, undefined, token);
  const digest = await apiKeyDigest(deps.kms, deps.apiKeyDigestKeyId, token);
  const found = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: memberKeyDigestKey(digest) }));
  if (!found.Item) throw refuseKey(deps, token, 'This member key is not known.');
  if (found.Item.revoked?.BOOL) throw refuseKey(deps, token, 'This member key was revoked.');
  const member = readItem(keyOwnerSchema, found.Item);
  if (!(await memberIsActive(deps, member.merchantId, member.memberId))) throw refuseKey(deps, token, 'This member was revoked.');
  return member;
}
