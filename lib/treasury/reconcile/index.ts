export type { ReconcileDeps, ReconcileOptions } from './deps.js';
export { discrepancyKinds, needsHuman, redriveKinds, type DiscrepancyKind, type Finding, type ReconcileReport, type RedriveKind } from './findings.js';
export { reconcile } from './run.js';
