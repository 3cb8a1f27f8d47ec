import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { fanOutEvent, pushEvent } from '#notify';
import { logger, traceHeaderOfRecord, withTrace } from '#platform';
import { realtimeDeps } from '../commons/realtime-deps.js';
import { recordsOf, sqsEventRecordSchema } from '../commons/records.js';
import { receivedKeys, sentAtMsOf, subjectOf } from '../commons/trace.js';
import { webhookDeps } from '../commons/webhook-deps.js';

const deps = webhookDeps();
const realtime = realtimeDeps();
const notifyRecordSchema = sqsEventRecordSchema.extend({
  messageAttributes: z.looseObject({ merchantId: z.looseObject({ stringValue: z.string().regex(/^mer_[0-9a-z]{26}$/) }) }),
});
const processor = new BatchProcessor(EventType.SQS, recordsOf(notifyRecordSchema));

// Records of a batch are handled in parallel: each in its own trace scope (its event's trace and object).
const recordHandler = (record: z.infer<typeof notifyRecordSchema>) =>
  withTrace({ header: traceHeaderOfRecord(record), subject: subjectOf(record.body) }, () => fanOut(record, Date.now()));

const fanOut = async (record: z.infer<typeof notifyRecordSchema>, receivedAtMs: number) => {
  const event = record.body;
  const merchantId = record.messageAttributes.merchantId.stringValue;
  const { endpoints } = await fanOutEvent(deps, event, merchantId);
  // Receipts are best effort: a failed push must not fail the record, whose retry would fan out
  // the webhooks again. Each connection's failure is handled inside pushEvent.
  const { connections } = await pushEvent(realtime, event, merchantId).catch((error: unknown) => {
    logger.warn('realtime push failed', { eventId: event.id, error });
    return { connections: 0 };
  });
  // relayedAtMs: when the relay put the event on this queue (SQS SentTimestamp). bench/webhooks.ts
  // reads it to time deliveries from there, without the stream's poll interval.
  logger.info('event fanned out', { eventId: event.id, type: event.type, endpoints, connections, relayedAtMs: Number(record.attributes.SentTimestamp), ...receivedKeys('notify', sentAtMsOf(record), receivedAtMs) });
};

export const handler = middy((event: SQSEvent, context: Context) => processPartialResponse(event, recordHandler, processor, { context }))
  .use(injectLambdaContext(logger, { resetKeys: true }));
