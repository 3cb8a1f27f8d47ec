// The audit log: writers call auditItems; the period close, verification and proofs read what it wrote.
export { auditItems, operatorActor, systemActor } from './items.js';
export type { AuditActor, AuditEntry } from './record.js';
