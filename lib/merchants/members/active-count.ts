import { ConditionalCheckFailedException, GetItemCommand, paginateQuery, PutItemCommand, type AttributeValue, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { readItem } from '#platform';
import { activeMembersKey, merchantMembersPartition } from './items.js';

type Table = { dynamodb: DynamoDBClient; tableName: string };

const activeOf = (countItem: Record<string, AttributeValue>): number => readItem(z.object({ active: z.number() }), countItem).active;

/**
 * How many active (not revoked) members a merchant has, from its count item. A merchant whose
 * members were all added before the count existed gets it now, from a count of its members, written
 * only if still absent (two first readers agree; a writer always reads this before its transaction).
 */
export async function activeMemberCount(deps: Table, merchantId: string): Promise<number> {
  const read = async () => (await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: activeMembersKey(merchantId), ConsistentRead: true }))).Item;
  const stored = await read();
  if (stored) return activeOf(stored);
  const counted = await countActiveMembers(deps, merchantId);
  try {
    await deps.dynamodb.send(new PutItemCommand({
      TableName: deps.tableName,
      Item: { ...activeMembersKey(merchantId), entity: { S: 'member-count' }, active: { N: String(counted) } },
      ConditionExpression: 'attribute_not_exists(pk)',
    }));
    return counted;
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    return activeOf((await read())!);
  }
}

async function countActiveMembers(deps: Table, merchantId: string): Promise<number> {
  let count = 0;
  const pages = paginateQuery({ client: deps.dynamodb }, {
    TableName: deps.tableName,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :p',
    FilterExpression: 'attribute_not_exists(revokedAt)',
    ExpressionAttributeValues: { ':p': { S: merchantMembersPartition(merchantId) } },
    Select: 'COUNT',
  });
  for await (const page of pages) count += page.Count ?? 0;
  return count;
}

/** One more active member (member.add). */
export function countMemberAddedItem(tableName: string, merchantId: string): TransactWriteItem {
  return { Update: { TableName: tableName, Key: activeMembersKey(merchantId), UpdateExpression: 'ADD active :one', ExpressionAttributeValues: { ':one': { N: '1' } } } };
}

/** One fewer, only if at least `remaining` stay active: a revocation never leaves the policy without its M. */
export function countMemberRevokedItem(tableName: string, merchantId: string, remaining: number): TransactWriteItem {
  return {
    Update: {
      TableName: tableName,
      Key: activeMembersKey(merchantId),
      UpdateExpression: 'ADD active :minus',
      ConditionExpression: 'active > :remaining',
      ExpressionAttributeValues: { ':minus': { N: '-1' }, ':remaining': { N: String(remaining) } },
    },
  };
}

/** Holds only if at least `asked` members are active: a policy never asks more approvals than there are members. */
export function activeMembersAtLeastItem(tableName: string, merchantId: string, asked: number): TransactWriteItem {
  return {
    ConditionCheck: {
      TableName: tableName,
      Key: activeMembersKey(merchantId),
      ConditionExpression: 'active >= :asked',
      ExpressionAttributeValues: { ':asked': { N: String(asked) } },
    },
  };
}
