import { QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Approval } from '#merchants';
import { transferFromItem, transfersPartition, type TreasuryTransfer } from '../transfers/items.js';
import type { TreasuryProposal } from './schema.js';

/** Items read per page of the transfers partition, and pages read at most for one listing. */
const pageItems = 100;
const maxPages = 5;

/**
 * Transfers not yet succeeded or failed, newest first, at most `limit` (and whether more are open).
 * The listing partition holds every transfer (gsi1 `TREASURY#TRANSFERS`, by id, so by time); the
 * finished ones are filtered out, and at most `maxPages` pages are read, so a long history costs a
 * bounded read: an open transfer older than 500 others is not shown (the schedule fails or finishes
 * transfers long before that).
 */
export async function openTransfers(deps: { dynamodb: DynamoDBClient; tableName: string }, limit: number): Promise<{ data: TreasuryTransfer[]; hasMore: boolean }> {
  const open: TreasuryTransfer[] = [];
  let start: Record<string, AttributeValue> | undefined;
  for (let page = 0; page < maxPages && open.length <= limit; page++) {
    const result = await deps.dynamodb.send(new QueryCommand({
      TableName: deps.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p',
      FilterExpression: 'NOT (#status IN (:succeeded, :failed))',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':p': { S: transfersPartition }, ':succeeded': { S: 'succeeded' }, ':failed': { S: 'failed' } },
      ScanIndexForward: false,
      Limit: pageItems,
      ...(start ? { ExclusiveStartKey: start } : {}),
    }));
    open.push(...(result.Items ?? []).map(transferFromItem));
    start = result.LastEvaluatedKey;
    if (!start) break;
  }
  return { data: open.slice(0, limit), hasMore: open.length > limit };
}

/** A transfer as the status shows it, with its approval request when one was found. */
export function proposalView(transfer: TreasuryTransfer, approval: Approval | undefined): TreasuryProposal {
  const signed = Object.entries(transfer.signatures)
    .map(([owner, signature]) => ({ owner: Number(owner), member: signature.memberId, signed_at: signature.signedAt }))
    .sort((a, b) => a.owner - b.owner);
  return {
    object: 'treasury_transfer',
    id: transfer.id, status: transfer.status, route: transfer.route, asset: transfer.asset, amount: transfer.amount,
    from: transfer.from, to: transfer.to, reason: transfer.reason, safe_tx_hash: transfer.safeTx.hash,
    signatures: signed.length, threshold: transfer.threshold, signed_by: signed,
    approval: approval ? {
      id: approval.id, status: approval.status, approvals: approval.approvals.length,
      approvals_required: approval.approvals_required, expires_at: approval.expires_at,
    } : null,
    created_at: transfer.createdAt, updated_at: transfer.updatedAt,
  };
}
