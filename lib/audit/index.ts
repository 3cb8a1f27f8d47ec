// The audit log: a change that must be audited is sent with writeAudited, its record beside it; the
// period close, verification and proofs read what it wrote.
export type { AuditDeps } from './deps.js';
export { evmAnchorer } from './evm-anchor.js';
export { operatorActor, systemActor } from './items.js';
export { closePeriod } from './period.js';
export type { CloseResult } from './period.js';
export { inclusionProof } from './proof.js';
export { recordId } from './record.js';
export type { AuditActor, AuditEntry, AuditMovement } from './record.js';
export { s3DigestArchive } from './s3-archive.js';
export { verifyAuditLog } from './verify.js';
export { readRegistry } from './reads.js';
export { writeAudited } from './writer.js';
export type { AuditedTransaction, ItemsState } from './writer.js';
export { inclusionProofs } from './proof.js';
export type { InclusionProof } from './proof.js';
export { proofFault } from './proof-check.js';
export type { OfflineProof } from './proof-check.js';
export { anchorCalldata } from './digests.js';
export type { PeriodAnchor } from './digests.js';
export { signStatement, signingPublicKey, statementSignatureHolds } from './signing.js';
export { readRecordsNear } from './window.js';
export type { LaneRecord } from './window.js';
export { textHash } from './record.js';
export { auditStatus, auditStatusSchema } from './status.js';
export type { AuditStatus } from './status.js';
