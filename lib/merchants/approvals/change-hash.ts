import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { ChangeMismatchError } from './errors.js';
import type { ApprovalRecord, HeldChange } from './items.js';
import type { Approval } from './schemas.js';

/** What members see of a request: its action, subject and details. */
export type ShownChange = Pick<Approval, 'action' | 'subject' | 'details'>;

/**
 * SHA-256 (hex) of the RFC 8785 canonical JSON of `{ action, subject, details, change }`: it binds what
 * members see to the change that approving applies. Canonical JSON (sorted keys, fixed number forms)
 * so the hash depends on the values only, never on how an item was serialized.
 */
export function changeHash(shown: ShownChange, change: HeldChange): string {
  const text = canonicalize({ action: shown.action, subject: shown.subject, details: shown.details, change });
  if (text === undefined) throw new Error('A held change must be JSON.');
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Refuses a request whose stored change is not the one it was requested with: another kind than its
 * action, or a hash other than the one recorded (the item was altered, e.g. by a function that may
 * put APPROVAL# items). Checked before any decision, so nothing is spent, recorded or applied.
 */
export function assertChangeIntact(record: ApprovalRecord): void {
  const { approval, change } = record;
  const computed = changeHash(approval, change);
  if (change.kind !== approval.action || approval.change_hash !== computed) throw new ChangeMismatchError(approval.id, approval.change_hash, computed);
}
