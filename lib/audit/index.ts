// The audit log: a change that must be audited is sent with writeAudited, its record beside it; the
// period close, verification and proofs read what it wrote.
export { operatorActor, systemActor } from './items.js';
export { writeAudited, type AuditedTransaction } from './writer.js';
export type { AuditActor, AuditEntry } from './record.js';
