import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { NotFoundError } from '#platform';
import type { ReportDeps } from './deps.js';
import { reportKey, reportRecordFromItem, type ReportRecord } from './items.js';
import { downloadUrl } from './storage.js';
import type { Report } from './schemas.js';

/** A report's record, read consistently; undefined when there is none. */
export async function readReportRecord(deps: Pick<ReportDeps, 'dynamodb' | 'tableName'>, reportId: string): Promise<ReportRecord | undefined> {
  const { Item } = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: reportKey(reportId), ConsistentRead: true }));
  return Item ? reportRecordFromItem(Item) : undefined;
}

/**
 * A merchant's report (another merchant's is a 404 like a missing one) and, once ready, a
 * presigned URL for its one file, valid a few minutes (storage.ts): signed afresh on every read.
 */
export async function getReport(deps: ReportDeps, merchantId: string, reportId: string): Promise<Report> {
  const record = await readReportRecord(deps, reportId);
  if (!record || record.merchantId !== merchantId) throw new NotFoundError('report', reportId);
  if (record.report.status !== 'ready' || !record.objectKey) return { ...record.report, download: null };
  return { ...record.report, download: await downloadUrl(deps.s3, deps.bucket, record.objectKey, deps.now()) };
}
