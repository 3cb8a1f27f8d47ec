import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AuditActor } from '#audit';
import { NotFoundError } from '#platform';
import { readCustomer } from './customers.js';
import { recordDecision } from './decide.js';
import { VerificationNotResolvableError } from './errors.js';
import { isResolvable } from './items.js';
import type { Verification } from './schemas.js';
import { readVerification } from './verifications.js';

/**
 * The platform operator's resolution (not the merchant's) of a verification in `review`, or one
 * the system `rejected` (a held customer takes no new verification, so only the operator releases
 * one rejected for a typo): the decision, a note, who and when are recorded on the verification;
 * the customer's status and the `customer.verification.*` event follow as for an automatic decision.
 */
export async function resolveVerification(
  deps: { dynamodb: DynamoDBClient; tableName: string; now: () => Date },
  input: {
    verificationId: string; decision: 'approved' | 'rejected'; note: string; actor: string;
    /** Who the audit record names: the operator (the CLI) unless an API caller (a member, an API key) resolves it. */
    auditActor?: AuditActor;
  },
): Promise<Verification> {
  const record = await readVerification(deps, input.verificationId);
  if (!record) throw new NotFoundError('verification', input.verificationId);
  if (!isResolvable(record.verification)) throw new VerificationNotResolvableError(input.verificationId, record.verification.status);
  const now = deps.now();
  const customer = await readCustomer(deps, record.merchantId, record.verification.customer);
  return recordDecision(deps, {
    record,
    customer,
    decision: { status: input.decision, reasons: record.verification.reasons, matches: record.verification.sanctions_matches },
    decidedBy: 'operator',
    auditActor: input.auditActor,
    now,
    resolution: { decision: input.decision, note: input.note, actor: input.actor, resolved_at: now.toISOString() },
  });
}

