import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { jsonAttribute, readItem } from '#platform';
import { reportSchema, type Report } from './schemas.js';

/** One item per report: `REPORT#<id>`; the merchant is an attribute, checked on every read. */
export function reportKey(reportId: string) {
  return { pk: { S: `REPORT#${reportId}` }, sk: { S: 'REPORT' } };
}

/** A report as stored: the merchant's view, the owner, and where its file is once written. */
export interface ReportRecord {
  report: Report;
  merchantId: string;
  /** The S3 key of the file, set with `ready`. */
  objectKey?: string;
}

export function reportItem(record: ReportRecord): Record<string, AttributeValue> {
  const { download: _never, ...report } = record.report;
  return {
    ...reportKey(report.id),
    entity: { S: 'report' },
    merchantId: { S: record.merchantId },
    status: { S: report.status },
    object: { S: JSON.stringify(report) },
    ...(record.objectKey ? { objectKey: { S: record.objectKey } } : {}),
  };
}

const storedReportSchema = z.object({
  object: jsonAttribute(reportSchema),
  merchantId: z.string(),
  objectKey: z.string().optional(),
});

export function reportRecordFromItem(item: Record<string, AttributeValue>): ReportRecord {
  const { object, merchantId, objectKey } = readItem(storedReportSchema, item);
  return { report: object, merchantId, ...(objectKey ? { objectKey } : {}) };
}

/** The report made ready: only from `pending`, so a second delivery of its job changes nothing. */
export function readyReportItem(tableName: string, record: ReportRecord & { objectKey: string }): TransactWriteItem {
  return {
    Put: {
      TableName: tableName,
      Item: reportItem(record),
      ConditionExpression: '#status = :pending AND merchantId = :merchant',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':pending': { S: 'pending' }, ':merchant': { S: record.merchantId } },
    },
  };
}
