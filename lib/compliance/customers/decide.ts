import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { operatorActor, systemActor, writeAudited, type AuditActor } from '#audit';
import { checkCnResidentId, checkPassport, checkPhone } from '../kyc/documents/index.js';
import { screenName, type SanctionsIndex, type ScreeningResult } from '../kyc/screening/index.js';
import { verificationEventItem } from './events.js';
import { readCustomer } from './customers.js';
import type { KycCheckDeps } from './deps.js';
import { documentReasons, documentRegisterUpdate, identityDigests, readDocumentRegister } from './documents.js';
import { customerItem, verificationItem, versionedPut, withFreshVersions, type CustomerRecord, type VerificationRecord } from './items.js';
import { openPii, type Pii } from './pii.js';
import type { SanctionsMatch, Verification, VerificationReasonCode, VerificationStatus } from './schemas.js';
import { readVerification } from './verifications.js';

export interface Decision {
  status: Exclude<VerificationStatus, 'processing' | 'canceled'>;
  reasons: VerificationReasonCode[];
  matches: SanctionsMatch[];
}

/** Reasons that send a verification to review rather than rejecting it: an operator must look. */
const reviewReasons: ReadonlySet<VerificationReasonCode> = new Set(['sanctions_match', 'sanctions_possible_match', 'document_reused', 'name_changed']);

/**
 * The decision, pure: a document or phone that fails a check rejects (well-formed data that is
 * wrong); otherwise a sanctions match or possible match sends the customer to `review`, since a
 * name alone never proves identity and an operator confirms or clears it, and so does a document
 * given before by another customer or under another name (`priorUse`, from the document register);
 * otherwise approved.
 */
export function decideIdentity(input: { pii: Pii; nationality: string; now: Date; index: SanctionsIndex; priorUse?: VerificationReasonCode[] }): Decision {
  const { pii, now } = input;
  const reasons: VerificationReasonCode[] = [];
  const document = pii.document;
  if (document.type === 'cn_resident_id') {
    reasons.push(...checkCnResidentId({ number: document.number, birthDate: pii.birth_date, now }).reasons);
  } else {
    reasons.push(...checkPassport({ mrz: document.mrz, name: pii.name, birthDate: pii.birth_date, nationality: input.nationality, now }).reasons);
  }
  if (pii.phone !== undefined) reasons.push(...checkPhone({ phone: pii.phone, defaultCountry: input.nationality }).reasons);
  const screening = screenPerson(input.index, pii, input.nationality);
  const matches = matchesOf(screening);
  if (screening.decision === 'match') reasons.push('sanctions_match');
  if (screening.decision === 'possible_match') reasons.push('sanctions_possible_match');
  reasons.push(...(input.priorUse ?? []));
  const status = reasons.some((reason) => !reviewReasons.has(reason)) ? 'rejected' : reasons.length > 0 ? 'review' : 'approved';
  return { status, reasons: [...new Set(reasons)], matches };
}

export function screenPerson(index: SanctionsIndex, pii: Pii, nationality: string): ScreeningResult {
  return screenName(index, { name: pii.name, birthYear: Number(pii.birth_date.slice(0, 4)), nationality });
}

export function matchesOf(screening: ScreeningResult): SanctionsMatch[] {
  return screening.hits.map((hit) => ({
    list: hit.list, entry_id: hit.entryId, entry_name: hit.entryName, matched_name: hit.matchedName, score: hit.score, list_version: screening.listVersion,
  }));
}

export type DecideOutcome = 'decided' | 'not_processing' | 'missing' | 'pii_erased';

/**
 * Decides a processing verification: opens its PII, checks it, reads the document register, and
 * records the decision with the customer's new status, the register's addition and the
 * `customer.verification.*` event in one transaction. Idempotent: a verification no longer
 * processing is left alone, so duplicate messages and the sweep are harmless. Two decisions racing
 * on one document: the second re-reads the register and sees the first.
 */
export async function decideVerification(deps: KycCheckDeps, verificationId: string): Promise<DecideOutcome> {
  return withFreshVersions(`Verification ${verificationId}`, () => decideOnce(deps, verificationId));
}

async function decideOnce(deps: KycCheckDeps, verificationId: string): Promise<DecideOutcome> {
  const record = await readVerification(deps, verificationId);
  if (!record) return 'missing';
  if (record.verification.status !== 'processing') return 'not_processing';
  if (!record.pii) return 'pii_erased';
  const owner = { merchantId: record.merchantId, customerId: record.verification.customer };
  const pii = await openPii(deps, owner, record.pii);
  const digests = await identityDigests(deps, owner.merchantId, pii);
  const register = await readDocumentRegister(deps, digests.document);
  const index = await deps.sanctions();
  const now = deps.now();
  const priorUse = documentReasons(register, owner.customerId, digests.name);
  const decision = decideIdentity({ pii, nationality: record.verification.nationality, now, index, priorUse });
  const customer = await readCustomer(deps, owner.merchantId, owner.customerId);
  await recordDecision(deps, {
    record, customer, decision, decidedBy: 'system', listVersion: index.version, now,
    alsoWrite: [documentRegisterUpdate(deps.tableName, register, owner.customerId, digests.name, now)],
  });
  deps.log('verification decided', { verificationId, status: decision.status, reasons: decision.reasons });
  return 'decided';
}

const heldStatuses: ReadonlySet<string> = new Set(['review', 'rejected']);

/** Whether a customer is held: in review or rejected, released only by the operator. */
export function isHeld(customer: CustomerRecord['customer']): boolean {
  return heldStatuses.has(customer.kyc_status);
}

/**
 * Whether a decision moves the customer: only the decision of its latest verification does, and an
 * approval by the system never releases a held customer nor one whose PII is being erased (only the
 * operator releases; the erasure ends at `none`). A review or rejection always holds.
 */
function movesCustomer(customer: CustomerRecord, verification: Verification, decidedBy: 'system' | 'operator'): boolean {
  if (customer.customer.verification !== verification.id) return false;
  if (verification.status !== 'approved' || decidedBy === 'operator') return true;
  return !isHeld(customer.customer) && !customer.erasingSince;
}

/**
 * Writes a decision: the verification, the customer (when this is still its latest verification)
 * and the event, in one transaction guarded by both versions.
 */
export async function recordDecision(
  deps: Pick<KycCheckDeps, 'dynamodb' | 'tableName'>,
  input: {
    record: VerificationRecord; customer: CustomerRecord | undefined; decision: Decision; decidedBy: 'system' | 'operator';
    listVersion?: string | undefined; now: Date; resolution?: Verification['resolution'];
    /** The audit record's actor of an operator's resolution, when not the CLI's operator (an API caller). */
    auditActor?: AuditActor | undefined;
    /** Further writes of the same decision (the document register). */
    alsoWrite?: TransactWriteItem[];
  },
): Promise<Verification> {
  const { record, customer, decision, now } = input;
  const verification: Verification = {
    ...record.verification,
    status: decision.status,
    reasons: decision.reasons,
    sanctions_matches: decision.matches,
    decided_at: now.toISOString(),
    decided_by: input.decidedBy,
    resolution: input.resolution ?? record.verification.resolution,
  };
  const items: TransactWriteItem[] = [
    versionedPut(deps.tableName, verificationItem({ ...record, verification, version: record.version + 1 }), record.version),
    verificationEventItem(deps.tableName, record.merchantId, `customer.verification.${decision.status}`, verification, now).item,
  ];
  if (customer && movesCustomer(customer, verification, input.decidedBy)) {
    const next = { ...customer.customer, kyc_status: decision.status };
    items.push(versionedPut(deps.tableName, customerItem({
      ...customer, customer: next, version: customer.version + 1, screenedListVersion: input.listVersion ?? customer.screenedListVersion,
    }), customer.version));
  }
  items.push(...(input.alsoWrite ?? []));
  await writeAudited(deps, {
    items,
    audit: {
      merchantId: record.merchantId, actor: input.decidedBy === 'operator' ? input.auditActor ?? operatorActor : systemActor,
      action: `kyc.verification_${decision.status}`, object: { type: 'customer.verification', id: verification.id }, at: now,
    },
  });
  return verification;
}
