import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { readMember } from '../members/members.js';
import type { MerchantProfile } from '../profile.js';
import type { HeldChange } from './items.js';
import { requiredApprovals, type AdminAction } from './policy.js';
import { requestApproval } from './request.js';
import type { Approval } from './schemas.js';

export interface AdminChange {
  merchant: MerchantProfile;
  change: HeldChange & { kind: AdminAction };
  subject: string | null;
  details: Record<string, unknown>;
  /** A member id when a person who is also a member asks (they then cannot approve it); else the operator. */
  requestedByMember?: string | undefined;
}

/**
 * Holds an administrative change for approval when the merchant's policy asks for it, and returns
 * the request; returns undefined when the change may be applied at once (no policy, or none asked).
 */
export async function holdIfRequired(deps: { dynamodb: DynamoDBClient; tableName: string; now?: () => Date }, input: AdminChange): Promise<Approval | undefined> {
  if (input.requestedByMember !== undefined) await readMember(deps, input.merchant.id, input.requestedByMember);
  const requirement = requiredApprovals(input.merchant.approvals, { kind: input.change.kind });
  if (requirement.approvals === 0) return undefined;
  return requestApproval(deps, {
    merchantId: input.merchant.id,
    change: input.change,
    subject: input.subject,
    details: input.details,
    requirement,
    requestedBy: input.requestedByMember !== undefined ? { type: 'member', id: input.requestedByMember } : { type: 'operator', id: null },
    now: deps.now?.() ?? new Date(),
  });
}
