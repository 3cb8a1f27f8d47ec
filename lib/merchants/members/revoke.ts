import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { countMemberRevokedItem } from './active-count.js';
import { memberKey } from './items.js';

/**
 * The items of `member.revoke`: the member marked revoked (only if it exists and is not revoked
 * yet) and the active count lowered, only if more than `remaining` members stay active. The
 * authorizer refuses a revoked member's key (lib/merchants/members/authenticate.ts), a decision refuses the
 * member itself (its code's item is conditioned on it), and its approvals stop counting.
 */
export function revokeMemberItems(tableName: string, merchantId: string, memberId: string, remaining: number, at: Date): TransactWriteItem[] {
  return [
    {
      Update: {
        TableName: tableName,
        Key: memberKey(memberId),
        UpdateExpression: 'SET revokedAt = :at',
        ConditionExpression: 'merchantId = :merchant AND attribute_not_exists(revokedAt)',
        ExpressionAttributeValues: { ':at': { S: at.toISOString() }, ':merchant': { S: merchantId } },
      },
    },
    countMemberRevokedItem(tableName, merchantId, remaining),
  ];
}

/** Holds only while the member is active: an approval counts only if its member still is when it decides. */
export function memberStillActiveItem(tableName: string, memberId: string): TransactWriteItem {
  return { ConditionCheck: { TableName: tableName, Key: memberKey(memberId), ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revokedAt)' } };
}
