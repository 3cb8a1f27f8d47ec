import type { DynamoDBClient, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { writeAudited } from '#audit';
import { newId } from '#platform';
import { changeHash } from './change-hash.js';
import { newApprovalItem, type ApprovalRecord, type HeldChange } from './items.js';
import type { MerchantProfile } from '../profile.js';
import { TreasuryRuleMissingError } from './errors.js';
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

export interface TreasuryTransferRequest {
  merchant: Pick<MerchantProfile, 'id' | 'approvals'>;
  transferId: string;
  /** The SafeTx hash the owners sign: held in the change, so the change hash binds it. */
  safeTxHash?: string;
  /** Instead, out of a hot wallet: the hash of the move its key signs (lib/treasury/moves), held the same way. */
  moveHash?: string;
  details: Record<string, unknown>;
  job: string;
  now: Date;
}

/**
 * The request asking the platform's treasury owners to approve a treasury transfer
 * (`lib/treasury/transfers`): as many approvals as the platform policy's treasury rule, requested by
 * the job that proposed it. Nothing is written: the proposal writes it in its own transaction. A
 * merchant without the rule is refused: the treasury never moves without approvals.
 */
export function newTreasuryTransferApproval(input: TreasuryTransferRequest): ApprovalRecord {
  if ((input.safeTxHash === undefined) === (input.moveHash === undefined)) throw new Error(`treasury transfer ${input.transferId}: an approval binds a SafeTx hash or a move hash, exactly one`);
  const rule = input.merchant.approvals?.treasury;
  if (!rule) throw new TreasuryRuleMissingError(input.merchant.id);
  return newApprovalRecord({
    merchantId: input.merchant.id,
    change: input.safeTxHash !== undefined
      ? { kind: 'treasury.transfer', transferId: input.transferId, safeTxHash: input.safeTxHash }
      : { kind: 'treasury.transfer', transferId: input.transferId, moveHash: input.moveHash! },
    subject: input.transferId,
    details: { ...input.details, ...(input.safeTxHash !== undefined ? { safe_tx_hash: input.safeTxHash } : { move_hash: input.moveHash! }) },
    requirement: { approvals: rule.approvals, rule: 'treasury', expiresAfterSeconds: input.merchant.approvals!.expires_after_seconds },
    requestedBy: { type: 'system', id: input.job },
    now: input.now,
  });
}

/** newTreasuryTransferApproval, written on its own (a proposal joins it to its own transaction instead). */
export async function requestTreasuryTransferApproval(deps: { dynamodb: DynamoDBClient; tableName: string }, input: TreasuryTransferRequest): Promise<Approval> {
  const record = newTreasuryTransferApproval(input);
  await writeAudited(deps, {
    items: requestApprovalItems(deps.tableName, record),
    audit: { merchantId: record.merchantId, actor: record.approval.requested_by, action: 'approval.requested', object: { type: 'approval', id: record.approval.id }, at: input.now },
  });
  return record.approval;
}
