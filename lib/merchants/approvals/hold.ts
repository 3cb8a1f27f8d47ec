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
  /**
   * Who asks through the API: an API key (by its id) or a member signed in to the console. Takes
   * precedence over `requestedByMember`; absent, the requester is the member or the operator.
   */
  requestedBy?: Approval['requested_by'] | undefined;
}

/** Who a held change names as its requester: an API caller as given, else the member or the operator (the CLI). */
export function requesterOf(input: { requestedByMember?: string | undefined; requestedBy?: Approval['requested_by'] | undefined }): Approval['requested_by'] {
  if (input.requestedBy) return input.requestedBy;
  return input.requestedByMember !== undefined ? { type: 'member', id: input.requestedByMember } : { type: 'operator', id: null };
}

/**
 * Holds an administrative change for approval when the merchant's policy asks for it, and returns
 * the request; returns undefined when the change may be applied at once (no policy, or none asked).
 */
export async function holdIfRequired(deps: { dynamodb: DynamoDBClient; tableName: string; now?: () => Date }, input: AdminChange): Promise<Approval | undefined> {
  const requestedBy = requesterOf(input);
  if (requestedBy.type === 'member' && requestedBy.id !== null) await readMember(deps, input.merchant.id, requestedBy.id);
  const requirement = requiredApprovals(input.merchant.approvals, { kind: input.change.kind });
  if (requirement.approvals === 0) return undefined;
  return requestApproval(deps, {
    merchantId: input.merchant.id,
    change: input.change,
    subject: input.subject,
    details: input.details,
    requirement,
    requestedBy,
    now: deps.now?.() ?? new Date(),
  });
}
