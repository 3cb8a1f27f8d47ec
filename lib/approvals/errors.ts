import { LanepayError } from '../errors/index.js';

/** The requester of a change can never approve (or reject) it. */
export class SelfApprovalError extends LanepayError {
  override name = 'SelfApprovalError';
  constructor(approvalId: string) {
    super('self_approval', `You requested ${approvalId}; another member must decide it.`);
  }
}

export class AlreadyApprovedError extends LanepayError {
  override name = 'AlreadyApprovedError';
  constructor(approvalId: string) {
    super('already_approved', `You already approved ${approvalId}; it waits for other members.`);
  }
}

/** Approved, rejected or expired already: a decision is final. */
export class ApprovalDecidedError extends LanepayError {
  override name = 'ApprovalDecidedError';
  constructor(approvalId: string, status: string) {
    super('approval_decided', `Approval ${approvalId} is ${status}; it can no longer be decided.`, { extensions: { approval_status: status } });
  }
}

/** A policy asking for more approvals than the merchant has members would hold changes forever. */
export class PolicyNotSatisfiableError extends LanepayError {
  override name = 'PolicyNotSatisfiableError';
  constructor(asked: number, members: number) {
    super('validation_error', `The policy asks for ${asked} approval(s) but the merchant has ${members} member(s); add members first (lanepay member add).`);
  }
}
