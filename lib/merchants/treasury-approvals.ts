import { QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { jsonAttribute, readItem } from '#platform';
import { merchantApprovalsPartition } from './approvals/items.js';
import { approvalSchema, type Approval, type ApprovalStatus } from './approvals/schemas.js';

const listedSchema = z.object({ object: jsonAttribute(approvalSchema) });

/**
 * The requests asking for these treasury transfers (`treasury.transfer`, subject the transfer id), by
 * transfer id. A transfer still open is either waiting for its owners (its request pending) or past
 * them (approved): one page of the merchant's pending requests (they expire, so the page stays
 * short), then, for the transfers not found there, one page of its newest approved ones. A transfer
 * whose request is on neither page is left out: its request is older than a page of decisions.
 */
export async function treasuryTransferApprovals(
  deps: { dynamodb: DynamoDBClient; tableName: string },
  merchantId: string,
  transferIds: readonly string[],
  pageSize = 100,
): Promise<Map<string, Approval>> {
  const found = new Map<string, Approval>();
  const wanted = new Set(transferIds);
  for (const [status, newestFirst] of [['pending', false], ['approved', true]] as const) {
    if (found.size === wanted.size) break;
    for (const approval of await approvalsPage(deps, merchantId, status, newestFirst, pageSize)) {
      if (approval.action === 'treasury.transfer' && approval.subject !== null && wanted.has(approval.subject) && !found.has(approval.subject)) {
        found.set(approval.subject, approval);
      }
    }
  }
  return found;
}

async function approvalsPage(deps: { dynamodb: DynamoDBClient; tableName: string }, merchantId: string, status: ApprovalStatus, newestFirst: boolean, limit: number): Promise<Approval[]> {
  const { Items } = await deps.dynamodb.send(new QueryCommand({
    TableName: deps.tableName,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :p',
    ExpressionAttributeValues: { ':p': { S: merchantApprovalsPartition(merchantId, status) } },
    ScanIndexForward: !newestFirst,
    Limit: limit,
  }));
  // The index is eventually consistent; an item whose status moved on is left out.
  return (Items ?? []).map((item) => readItem(listedSchema, item).object).filter((approval) => approval.status === status);
}
