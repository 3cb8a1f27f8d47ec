import { TransactionCanceledException, TransactWriteItemsCommand, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { auditItems } from '../audit/index.js';
import { LanepayError } from '../errors/index.js';
import { OtpReplayedError } from '../members/errors.js';
import { readMember } from '../members/members.js';
import { checkMemberCode } from '../members/otp.js';
import { outcomeItems } from './apply.js';
import type { ApprovalDeps } from './deps.js';
import { AlreadyApprovedError, ApprovalDecidedError, SelfApprovalError } from './errors.js';
import { readApproval, replaceApprovalItem, type ApprovalRecord } from './items.js';
import type { Approval } from './schemas.js';

export interface Decision {
  merchantId: string;
  memberId: string;
  approvalId: string;
  decision: 'approve' | 'reject';
  /** The Lanepay-OTP header. */
  code: string | undefined;
}

/**
 * A member approves or rejects a request. Refusals come in a fixed order: unknown request, already
 * decided or expired, the requester themself, a second approval by the same member, then the
 * member's lock and code. The decision is ONE transaction: the member's code spent (its time step),
 * the request replaced (conditioned on the version read), and, when it decides the request, the
 * held change or the released payout.
 */
export async function decideApproval(deps: ApprovalDeps, input: Decision): Promise<Approval> {
  const now = deps.now();
  const record = await readApproval(deps, input.merchantId, input.approvalId);
  const { approval } = record;
  if (approval.status !== 'pending') throw new ApprovalDecidedError(approval.id, approval.status);
  if (Date.parse(approval.expires_at) <= now.getTime()) throw new ApprovalDecidedError(approval.id, 'expired');
  if (approval.requested_by.type === 'member' && approval.requested_by.id === input.memberId) throw new SelfApprovalError(approval.id);
  if (approval.approvals.some((given) => given.member === input.memberId)) throw new AlreadyApprovedError(approval.id);

  const member = await readMember(deps, input.merchantId, input.memberId);
  const spendCode = await checkMemberCode(deps, member, input.code, now);

  const next = nextApproval(record, input, now);
  const outcome = next.approval.status === 'pending' ? undefined : (next.approval.status as 'approved' | 'rejected');
  const applied = outcome
    ? await outcomeItems(deps, record, outcome, now)
    : { items: [], action: 'approval.approval_added', object: { type: 'approval', id: approval.id } };
  const items: TransactWriteItem[] = [
    spendCode,
    replaceApprovalItem(deps.tableName, next, record.version),
    ...applied.items,
    // Last, so the items above keep the positions the cancellation reasons are read by.
    ...auditItems(deps.tableName, { merchantId: input.merchantId, actor: { type: 'member', id: input.memberId }, action: applied.action, object: applied.object, at: now }),
  ];
  try {
    await deps.dynamodb.send(new TransactWriteItemsCommand({ TransactItems: items }));
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const reasons = error.CancellationReasons ?? [];
    if (reasons[0]?.Code === 'ConditionalCheckFailed') throw new OtpReplayedError();
    if (reasons[1]?.Code === 'ConditionalCheckFailed') {
      const current = await readApproval(deps, input.merchantId, input.approvalId);
      throw new LanepayError('concurrent_change', `Approval ${approval.id} changed while this request ran (now ${current.approval.status}, ${current.approval.approvals.length} approval(s)); look at it again and retry.`);
    }
    if (reasons.some((reason) => reason.Code === 'ConditionalCheckFailed')) {
      throw new LanepayError('concurrent_change', `What approval ${approval.id} holds changed meanwhile (the payment or the profile); it was not decided.`);
    }
    throw error;
  }
  return next.approval;
}

function nextApproval(record: ApprovalRecord, input: Decision, now: Date): ApprovalRecord {
  const at = now.toISOString();
  const { approval } = record;
  if (input.decision === 'reject') {
    return { ...record, version: record.version + 1, approval: { ...approval, status: 'rejected', rejected_by: { member: input.memberId, at }, decided_at: at } };
  }
  const approvals = [...approval.approvals, { member: input.memberId, at }];
  const done = approvals.length >= approval.approvals_required;
  return {
    ...record,
    version: record.version + 1,
    approval: { ...approval, approvals, ...(done ? { status: 'approved' as const, decided_at: at } : {}) },
  };
}

