import { TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { conditionFailedAt, logger } from '#platform';
import { reportColumns, type Row } from './columns.js';
import type { BuildDeps } from './deps.js';
import { reportEventItem } from './events.js';
import { writeReportFile } from './files.js';
import { readReportRecord } from './query.js';
import { readyReportItem, type ReportRecord } from './items.js';
import { reconciliationRows, type MismatchSummary } from './reconciliation.js';
import type { Report } from './schemas.js';
import { balanceTransactionRows, chargeRows, paymentRecords } from './sources.js';
import { reportObjectKey } from './storage.js';
import { objectUpload } from './upload.js';

export type BuildOutcome = 'built' | 'already_ready';

/**
 * Builds a requested report (the job its `report.created` event carries): reads the merchant's
 * items of the interval page by page and writes each row to S3 as it comes (a multipart upload),
 * then ONE transaction marks the report ready with its `report.ready` event, only from pending.
 * A second delivery of the job finds it ready and does nothing; one that raced this one rewrote
 * the same object and loses the condition quietly.
 */
export async function buildReport(deps: BuildDeps, job: { merchantId: string; reportId: string }): Promise<BuildOutcome> {
  const record = await readReportRecord(deps, job.reportId);
  // The job comes from our own outbox: a report missing or of another merchant is a bug, retried then dead-lettered.
  if (!record || record.merchantId !== job.merchantId) throw new Error(`report ${job.reportId} of ${job.merchantId} not found`);
  if (record.report.status === 'ready') return 'already_ready';
  const { report } = record;
  const objectKey = reportObjectKey(job.merchantId, report);
  const summary: MismatchSummary = {};
  const upload = objectUpload(deps.s3, deps.bucket, objectKey, report.format);
  let rowCount: number;
  try {
    [rowCount] = await Promise.all([
      writeReportFile(report.format, reportColumns[report.type], rowsOf(deps, record, summary), upload.body),
      upload.done,
    ]);
  } catch (error) {
    upload.body.destroy(error as Error); // aborts the multipart upload (lib-storage) if the rows failed
    await upload.done.catch(() => undefined);
    throw error;
  }
  if (report.format === 'parquet' && deps.registerPartition) {
    await deps.registerPartition({
      type: report.type, merchantId: job.merchantId, date: report.created_at.slice(0, 10),
      location: `s3://${deps.bucket}/${objectKey.slice(0, objectKey.lastIndexOf('/') + 1)}`,
    });
  }
  const now = deps.now();
  const mismatchCount = Object.values(summary).reduce((a, b) => a + b, 0);
  const ready: Report = {
    ...report,
    status: 'ready',
    row_count: rowCount,
    ...(report.type === 'payouts_reconciliation' ? { mismatch_count: mismatchCount, mismatches: summary } : {}),
    completed_at: now.toISOString(),
  };
  const items = [
    readyReportItem(deps.tableName, { report: ready, merchantId: job.merchantId, objectKey }),
    reportEventItem(deps.tableName, job.merchantId, 'report.ready', ready, now).item,
  ];
  try {
    await deps.dynamodb.send(new TransactWriteItemsCommand({ TransactItems: items }));
  } catch (error) {
    if (!conditionFailedAt(error, 0)) throw error;
    logger.info('report made ready by another delivery of its job', { reportId: report.id });
    return 'already_ready';
  }
  return 'built';
}

function rowsOf(deps: BuildDeps, record: ReportRecord, summary: MismatchSummary): AsyncIterable<Row[]> {
  const { report, merchantId } = record;
  switch (report.type) {
    case 'balance_transactions': return balanceTransactionRows(deps, merchantId, report.interval);
    case 'charges': return chargeRows(deps, merchantId, report.interval);
    case 'payouts_reconciliation': return reconciliationRows(deps.chains, deps.readMined, paymentRecords(deps, merchantId, report.interval), summary);
  }
}
