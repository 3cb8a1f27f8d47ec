import { paginateQuery, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { encodeTime } from 'ulid';
import { balanceTransactionFromItem, balanceTransactionIdBound, balanceTransactionsPartition } from '#ledger';
import { chargeRecordFromItem, merchantChargesPartition, merchantPaymentsPartition, recordFromItem, type PaymentRecord } from '#money';
import { balanceTransactionRow, chargeRow, type Row } from './columns.js';
import type { ReportInterval } from './schemas.js';

type ReadDeps = { dynamodb: DynamoDBClient; tableName: string };

/** Items a page holds; DynamoDB's 1 MB pages bound what is read ahead of the writer. */
const pageItems = 1000;

/**
 * The items of one partition whose sort key (a time-ordered id) falls in the interval, oldest
 * first, a page at a time: `BETWEEN` the smallest id of `start` and that of `end`, which no id
 * equals, so the end is excluded. Nothing but the current page is held.
 */
async function* pagesBetween(
  deps: ReadDeps, list: { partition: string; index?: 'gsi1' }, lower: string, upper: string,
): AsyncGenerator<Record<string, AttributeValue>[]> {
  const [pk, sk] = list.index ? ['gsi1pk', 'gsi1sk'] : ['pk', 'sk'];
  const pages = paginateQuery({ client: deps.dynamodb, pageSize: pageItems }, {
    TableName: deps.tableName,
    ...(list.index ? { IndexName: list.index } : {}),
    KeyConditionExpression: `${pk} = :p AND ${sk} BETWEEN :lo AND :hi`,
    ExpressionAttributeValues: { ':p': { S: list.partition }, ':lo': { S: lower }, ':hi': { S: upper } },
    ScanIndexForward: true,
  });
  for await (const page of pages) yield page.Items ?? [];
}

/** The smallest `<prefix>_<ulid>` id made at or after `ms` (ids are lower-case ULIDs, time first). */
export function idBound(prefix: string, ms: number): string {
  return `${prefix}_${encodeTime(Math.max(0, ms), 10).toLowerCase()}`;
}

const msOf = (interval: ReportInterval) => [Date.parse(interval.start), Date.parse(interval.end)] as const;

/** A merchant's balance transactions created in the interval, oldest first, as pages of report rows. */
export async function* balanceTransactionRows(deps: ReadDeps, merchantId: string, interval: ReportInterval): AsyncGenerator<Row[]> {
  const [startMs, endMs] = msOf(interval);
  const pages = pagesBetween(deps, { partition: balanceTransactionsPartition(merchantId) }, balanceTransactionIdBound(startMs), balanceTransactionIdBound(endMs));
  for await (const items of pages) yield items.map((item) => balanceTransactionRow(balanceTransactionFromItem(item)));
}

/** A merchant's charges opened in the interval, oldest first, as pages of report rows. */
export async function* chargeRows(deps: ReadDeps, merchantId: string, interval: ReportInterval): AsyncGenerator<Row[]> {
  const [startMs, endMs] = msOf(interval);
  const pages = pagesBetween(deps, { index: 'gsi1', partition: merchantChargesPartition(merchantId) }, idBound('ch', startMs), idBound('ch', endMs));
  for await (const items of pages) {
    yield items.map((item) => {
      const record = chargeRecordFromItem(item);
      // gsi1 is the merchant's list: an item of another merchant here would be a key bug, never exported.
      if (record.merchantId !== merchantId) throw new Error(`charge ${record.charge.id} of ${record.merchantId} listed under ${merchantId}`);
      return chargeRow(record.charge);
    });
  }
}

/** A merchant's payments (payouts, refunds' payouts included) created in the interval, oldest first, a page at a time. */
export async function* paymentRecords(deps: ReadDeps, merchantId: string, interval: ReportInterval): AsyncGenerator<PaymentRecord[]> {
  const [startMs, endMs] = msOf(interval);
  const pages = pagesBetween(deps, { index: 'gsi1', partition: merchantPaymentsPartition(merchantId) }, idBound('pay', startMs), idBound('pay', endMs));
  for await (const items of pages) {
    yield items.map((item) => {
      const record = recordFromItem(item);
      if (record.merchantId !== merchantId) throw new Error(`payment ${record.payment.id} of ${record.merchantId} listed under ${merchantId}`);
      return record;
    });
  }
}
