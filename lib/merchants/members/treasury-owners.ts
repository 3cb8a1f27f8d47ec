import { GetItemCommand, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { readItem } from '#platform';
import { memberKey } from './items.js';

/**
 * Platform members bound to the treasury's owner keys (docs/treasury.md): owner `n` of the Safe on
 * every chain is KMS owner key `n`, and its signature is added only when the member bound to `n`
 * approves. One member per owner index, stage-wide (a stage has one treasury), and a count per
 * merchant of the owners bound, which the policy's `treasury.approvals` is held to as the active
 * count holds the other rules: no change leaves the treasury asking more signatures than there are
 * bound members to give them.
 */

/** What the stage's treasury is: how many owner keys its Safes have and how many must sign. */
export interface TreasuryShape {
  owners: number;
  threshold: number;
}

/** The binding of owner index `n`: which member (of which merchant) signs as owner `n`. */
export function treasuryOwnerKey(index: number) {
  return { pk: { S: `TREASURYOWNER#${index}` }, sk: { S: 'OWNER' } };
}

/**
 * Which merchant the treasury belongs to: set by the first owner binding, and every later binding
 * must be to the same merchant, so the owners (and who approves transfers) are one platform's.
 */
export function treasuryMerchantKey() {
  return { pk: { S: 'TREASURY#PLATFORM' }, sk: { S: 'MERCHANT' } };
}

/** The merchant the treasury's owners are members of, once one is bound. */
export async function treasuryMerchant(deps: { dynamodb: DynamoDBClient; tableName: string }): Promise<string | undefined> {
  const { Item } = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: treasuryMerchantKey(), ConsistentRead: true }));
  return Item ? readItem(z.object({ merchantId: z.string() }), Item).merchantId : undefined;
}

/** How many of a merchant's active members are bound to an owner key. */
export function boundOwnersKey(merchantId: string) {
  return { pk: { S: `TREASURYOWNERS#${merchantId}` }, sk: { S: 'BOUND' } };
}

const bindingSchema = z.object({ memberId: z.string(), merchantId: z.string() });

/** The member bound to owner `index`, if any. */
export async function treasuryOwnerBinding(deps: { dynamodb: DynamoDBClient; tableName: string }, index: number): Promise<{ memberId: string; merchantId: string } | undefined> {
  const { Item } = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: treasuryOwnerKey(index), ConsistentRead: true }));
  return Item ? readItem(bindingSchema, Item) : undefined;
}

/** Owners bound for a merchant (0 when none ever was). */
export async function boundOwnerCount(deps: { dynamodb: DynamoDBClient; tableName: string }, merchantId: string): Promise<number> {
  const { Item } = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: boundOwnersKey(merchantId), ConsistentRead: true }));
  return Item ? readItem(z.object({ bound: z.number() }), Item).bound : 0;
}

/**
 * Binds owner `index` to the member (only if no one holds it), counts it, and claims the treasury for
 * the member's merchant (only if it is unclaimed or already that merchant's): part of `member.add`.
 */
export function bindOwnerItems(tableName: string, merchantId: string, memberId: string, index: number): TransactWriteItem[] {
  return [
    {
      Put: {
        TableName: tableName,
        Item: { ...treasuryOwnerKey(index), entity: { S: 'treasury-owner' }, ownerIndex: { N: String(index) }, memberId: { S: memberId }, merchantId: { S: merchantId } },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    { Update: { TableName: tableName, Key: boundOwnersKey(merchantId), UpdateExpression: 'ADD bound :one', ExpressionAttributeValues: { ':one': { N: '1' } } } },
    {
      Update: {
        TableName: tableName,
        Key: treasuryMerchantKey(),
        UpdateExpression: 'SET merchantId = :merchant, entity = :entity',
        ConditionExpression: 'attribute_not_exists(merchantId) OR merchantId = :merchant',
        ExpressionAttributeValues: { ':merchant': { S: merchantId }, ':entity': { S: 'treasury-merchant' } },
      },
    },
  ];
}

/** Positions in bindOwnerItems, from its first item: a failed condition there means the owner, or the treasury, was taken meanwhile. */
export const bindingRefusalOffsets = { owner: 0, treasuryMerchant: 2 } as const;

/**
 * Frees owner `index` (only the member's own binding) and counts it out, only if more than
 * `remaining` owners stay bound: part of `member.revoke`. The index is then free for a new member.
 */
export function releaseOwnerItems(tableName: string, merchantId: string, memberId: string, index: number, remaining: number): TransactWriteItem[] {
  return [
    {
      Delete: {
        TableName: tableName,
        Key: treasuryOwnerKey(index),
        ConditionExpression: 'memberId = :member',
        ExpressionAttributeValues: { ':member': { S: memberId } },
      },
    },
    {
      Update: {
        TableName: tableName,
        Key: boundOwnersKey(merchantId),
        UpdateExpression: 'ADD bound :minus',
        ConditionExpression: 'bound > :remaining',
        ExpressionAttributeValues: { ':minus': { N: '-1' }, ':remaining': { N: String(remaining) } },
      },
    },
  ];
}

/** Holds only if at least `asked` owners are bound to the merchant's members. */
export function boundOwnersAtLeastItem(tableName: string, merchantId: string, asked: number): TransactWriteItem {
  return {
    ConditionCheck: {
      TableName: tableName,
      Key: boundOwnersKey(merchantId),
      ConditionExpression: 'bound >= :asked',
      ExpressionAttributeValues: { ':asked': { N: String(asked) } },
    },
  };
}

/** The member bound to an owner key, as a treasury status shows it (never its key or secret). */
export interface TreasuryOwnerMember {
  memberId: string;
  merchantId: string;
  email: string;
  status: 'active' | 'revoked';
}

/**
 * The members bound to owner keys `indexes`, by index: one binding read and one member read per
 * owner (a Safe has a handful), whatever the number of merchants or members. An unbound index is absent.
 */
export async function treasuryOwnerMembers(deps: { dynamodb: DynamoDBClient; tableName: string }, indexes: readonly number[]): Promise<Map<number, TreasuryOwnerMember>> {
  const bound = await Promise.all(indexes.map(async (index) => {
    const binding = await treasuryOwnerBinding(deps, index);
    if (!binding) return undefined;
    const { Item } = await deps.dynamodb.send(new GetItemCommand({
      TableName: deps.tableName, Key: memberKey(binding.memberId), ConsistentRead: true, ProjectionExpression: 'email, revokedAt',
    }));
    const member = Item ? readItem(z.object({ email: z.string(), revokedAt: z.string().optional() }), Item) : undefined;
    return [index, { ...binding, email: member?.email ?? '', status: member && member.revokedAt === undefined ? 'active' : 'revoked' }] as const;
  }));
  return new Map(bound.filter((entry) => entry !== undefined));
}
