import { QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { approvalSchema, type Approval, type ApprovalStatus } from './schemas.js';
import { merchantApprovalsPartition } from './items.js';
import { jsonAttribute, readItem } from '../aws/item.js';
import * as z from 'zod';

const listedSchema = z.object({ object: jsonAttribute(approvalSchema) });

/** A merchant's requests in one status, oldest first, paged by `starting_after`. */
export async function listApprovals(
  deps: { dynamodb: DynamoDBClient; tableName: string },
  merchantId: string,
  query: { status: ApprovalStatus; limit: number; starting_after?: string | undefined },
): Promise<{ object: 'list'; data: Approval[]; has_more: boolean }> {
  const result = await deps.dynamodb.send(new QueryCommand({
    TableName: deps.tableName,
    IndexName: 'gsi1',
    KeyConditionExpression: query.starting_after ? 'gsi1pk = :p AND gsi1sk > :after' : 'gsi1pk = :p',
    ExpressionAttributeValues: {
      ':p': { S: merchantApprovalsPartition(merchantId, query.status) },
      ...(query.starting_after ? { ':after': { S: query.starting_after } } : {}),
    },
    Limit: query.limit + 1,
  }));
  const items = result.Items ?? [];
  // The index is eventually consistent; an item whose status moved on is left out.
  const data = items.slice(0, query.limit).map((item) => readItem(listedSchema, item).object).filter((a) => a.status === query.status);
  return { object: 'list', data, has_more: items.length > query.limit };
}
