import { JSONStringified } from '@aws-lambda-powertools/parser/helpers';
import { SqsRecordSchema } from '@aws-lambda-powertools/parser/schemas/sqs';
import * as z from 'zod';
import { reportIdPathSchema, reportJobEventType } from '#reports';

// Apart from records.ts: that module builds the union of every event, which the reports function never reads.
/**
 * A report job: the `report.created` event the outbox relay sent to the reports queue, with the
 * merchant beside it (a message attribute; events carry no merchant field).
 */
export const reportJobRecordSchema = SqsRecordSchema.extend({
  body: JSONStringified(z.object({ type: z.literal(reportJobEventType), data: z.object({ object: reportIdPathSchema.loose() }) })),
  messageAttributes: z.object({ merchantId: z.object({ stringValue: z.string().regex(/^mer_[0-9a-z]{26}$/) }).loose() }).loose(),
});
