import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readApproval } from './approvals/items.js';
import type { Approval } from './approvals/schemas.js';

/**
 * The requests asking for these treasury transfers, by transfer id: each transfer names its request
 * (written in the proposal's transaction), so one read each. A request that is not this merchant's,
 * or not for that transfer, is left out.
 */
export async function treasuryTransferApprovals(
  deps: { dynamodb: DynamoDBClient; tableName: string },
  merchantId: string,
  transfers: readonly { transferId: string; approvalId: string }[],
): Promise<Map<string, Approval>> {
  const read = await Promise.all(transfers.map(async ({ transferId, approvalId }) => {
    const record = await readApproval(deps, merchantId, approvalId).catch(() => undefined);
    return record?.change.kind === 'treasury.transfer' && record.change.transferId === transferId ? [transferId, record.approval] as const : undefined;
  }));
  return new Map(read.filter((entry) => entry !== undefined));
}
