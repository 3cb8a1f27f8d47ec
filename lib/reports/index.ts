// Reports: merchants' exports (balance transactions, charges, payouts reconciled with the chains),
// built by a job of their own into S3 as CSV or Parquet, for download and for Athena.
// This is its face: other contexts, api/, functions/ and bin/ import only what it exports (#reports).
export { buildReport } from './build.js';
export type { BuildOutcome } from './build.js';
export { evmMinedTransferReader } from './chain-transfers.js';
export { gluePartitionRegistrar } from './glue.js';
export type { MinedTransfer, MinedTransferReader } from './chain-transfers.js';
export { reportColumns } from './columns.js';
export { createReport } from './create.js';
export type { ReportResult } from './create.js';
export type { BuildDeps, PartitionRegistrar, ReportDeps } from './deps.js';
export { reportEventTypes, reportJobEventType } from './events.js';
export { writeReportFile } from './files.js';
export { mismatchKinds } from './reconciliation.js';
export { getReport } from './query.js';
export {
  createReportBodySchema, reportFormats, reportIdPathSchema, reportSchema, reportStatuses, reportTypes,
} from './schemas.js';
export type { Report, ReportFormat, ReportType } from './schemas.js';
export { downloadUrlSeconds, reportObjectKey } from './storage.js';
