import { QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { readItem } from '#platform';
import { memberRoleOf, memberRoles, merchantMembersPartition, type MemberRole } from './items.js';

/** A member as the API shows it: never its key, its sealed secret or its code counters. */
export const memberViewSchema = z.object({
  id: z.string(),
  object: z.literal('member'),
  email: z.string(),
  role: z.enum(memberRoles),
  status: z.enum(['active', 'revoked']),
  created_at: z.string(),
  revoked_at: z.string().nullable(),
});
export type MemberView = z.infer<typeof memberViewSchema>;

const listedMemberSchema = z.object({
  memberId: z.string(), email: z.string(), createdAt: z.string(), revokedAt: z.string().optional(), role: z.enum(memberRoles).optional(),
});

/** The member as shown, from what is stored (a stored member without a role predates roles: an approver). */
export function memberView(member: { id: string; email: string; createdAt: string; revokedAt?: string | undefined; role?: MemberRole | undefined }): MemberView {
  return {
    id: member.id, object: 'member', email: member.email, role: memberRoleOf(member),
    status: member.revokedAt === undefined ? 'active' : 'revoked', created_at: member.createdAt, revoked_at: member.revokedAt ?? null,
  };
}

/** A merchant's members, active and revoked, in id order (gsi1 `MERCHANT#<id>#MEMBERS`), paged by `starting_after`. */
export async function listMembers(
  deps: { dynamodb: DynamoDBClient; tableName: string },
  merchantId: string,
  query: { limit: number; starting_after?: string | undefined },
): Promise<{ object: 'list'; data: MemberView[]; has_more: boolean }> {
  const result = await deps.dynamodb.send(new QueryCommand({
    TableName: deps.tableName,
    IndexName: 'gsi1',
    KeyConditionExpression: query.starting_after ? 'gsi1pk = :p AND gsi1sk > :after' : 'gsi1pk = :p',
    ExpressionAttributeValues: {
      ':p': { S: merchantMembersPartition(merchantId) },
      ...(query.starting_after ? { ':after': { S: query.starting_after } } : {}),
    },
    // Only what is shown: the sealed TOTP secret never leaves the table through a list.
    ProjectionExpression: 'memberId, email, createdAt, revokedAt, #role',
    ExpressionAttributeNames: { '#role': 'role' },
    Limit: query.limit + 1,
  }));
  const items = result.Items ?? [];
  const data = items.slice(0, query.limit).map((item) => {
    const { memberId, ...member } = readItem(listedMemberSchema, item);
    return memberView({ id: memberId, ...member });
  });
  return { object: 'list', data, has_more: items.length > query.limit };
}
