import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { outboxEventItem, type OutboxEvent } from '#merchants';
import type { Report } from './schemas.js';

/**
 * Events about reports. `report.created` is also the build job: the outbox relay sends it to the
 * reports queue. `report.ready` says the file can be downloaded (GET /v1/reports/{id}).
 */
export const reportEventTypes = ['report.created', 'report.ready'] as const;
export type ReportEventType = (typeof reportEventTypes)[number];

/** The event the outbox relay sends to the reports queue: the job that builds the report. */
export const reportJobEventType = 'report.created' satisfies ReportEventType;

/** The event of `type` about `report`, in the transaction of its change; never with a download URL. */
export function reportEventItem(
  tableName: string, merchantId: string, type: ReportEventType, report: Report, now: Date,
): { item: TransactWriteItem; event: OutboxEvent<ReportEventType, Report> } {
  const { download: _never, ...subject } = report;
  return outboxEventItem(tableName, merchantId, type, subject, { reportId: { S: report.id } }, now);
}
