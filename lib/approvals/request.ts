import type { DynamoDBClient, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { writeAudited } from '../audit/index.js';
import { newId } from '../ids/index.js';
import { changeHash } from './change-hash.js';
import { newApprovalItem, type ApprovalRecord, type HeldChange } from './items.js';
import type { ApprovalRequirement } from './policy.js';
import type { Approval } from './schemas.js';

export interface ApprovalRequest {
  merchantId: string;
  change: HeldChange;
  subject: string | null;
  details: Record<string, unknown>;
  requirement: ApprovalRequirement;
  requestedBy: Approval['requested_by'];
  now: Date;
}

/**
 * A pending request for `requirement.approvals` members, expiring per the policy, with the hash of
 * what members see and the change approving applies (`change_hash`). Nothing is written.
 */
export function newApprovalRecord(request: ApprovalRequest): ApprovalRecord {
  const shown = { action: request.change.kind, subject: request.subject, details: request.details };
  return {
    merchantId: request.merchantId,
    version: 1,
    change: request.change,
    approval: {
      id: newId('apr'),
      object: 'approval',
      status: 'pending',
      ...shown,
      change_hash: changeHash(shown, request.change),
      approvals_required: request.requirement.approvals,
      approvals: [],
      rejected_by: null,
      requested_by: request.requestedBy,
      created_at: request.now.toISOString(),
      expires_at: new Date(request.now.getTime() + request.requirement.expiresAfterSeconds * 1000).toISOString(),
      decided_at: null,
    },
  };
}

/**
 * Holds an operator's change for approval: the items of `approval.request` (the request itself)
 * in one transaction. Payouts add the same item to the payment's own transaction instead.
 */
export async function requestApproval(deps: { dynamodb: DynamoDBClient; tableName: string }, request: ApprovalRequest): Promise<Approval> {
  const record = newApprovalRecord(request);
  // Its own transaction, so its own record; a held payout's request joins the payment's transaction
  // and its `payment.authorized` record instead (one record per merchant per transaction).
  await writeAudited(deps, {
    items: requestApprovalItems(deps.tableName, record),
    audit: { merchantId: request.merchantId, actor: request.requestedBy, action: 'approval.requested', object: { type: 'approval', id: record.approval.id }, at: request.now },
  });
  return record.approval;
}

export function requestApprovalItems(tableName: string, record: ApprovalRecord): TransactWriteItem[] {
  return [newApprovalItem(tableName, record)];
}
