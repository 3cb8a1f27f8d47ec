import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { JSONStringified } from '@aws-lambda-powertools/parser/helpers';
import { SqsRecordSchema } from '@aws-lambda-powertools/parser/schemas/sqs';
import middy from '@middy/core';
import type { Context, SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { logger, metrics } from '#platform';
import { driveOpenTransfers, driveTransfer } from '#treasury';
import { recordsOf } from '../commons/batch.js';
import { orScheduled } from '../commons/scheduled.js';
import { treasuryWorkerDeps } from '../commons/treasury-deps.js';

/** A treasury step or an approval's vote, relayed from the outbox: it names the transfer to drive. */
const treasuryRecordSchema = SqsRecordSchema.extend({
  body: JSONStringified(z.object({ id: z.string(), type: z.string().startsWith('treasury.'), data: z.object({ object: z.object({ transfer: z.string().regex(/^tt_[0-9a-z]{8,64}$/) }).loose() }) })),
});

/** Time kept back from the function's timeout: a drive stops taking new steps this long before it. */
const marginMs = 5_000;

const processor = new BatchProcessor(EventType.SQS, recordsOf(treasuryRecordSchema));

const driveMessages = middy(async (event: SQSEvent, context: Context) => {
  const deps = await treasuryWorkerDeps();
  const deadline = Date.now() + context.getRemainingTimeInMillis() - marginMs;
  return processPartialResponse(event, async (record: z.infer<typeof treasuryRecordSchema>) => {
    // No owner bound yet: nothing of the treasury can have been proposed; the message is spent.
    if (!deps) return;
    const transfer = record.body.data.object.transfer;
    const outcome = await driveTransfer(deps, transfer, deadline);
    logger.info('treasury transfer driven', { event: record.body.id, type: record.body.type, transfer, outcome });
  }, processor, { context });
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));

/** The schedule: open transfers, least recently moved first, in case a message was lost; overdue attestations alarm here. */
const driveOpen = middy(async (_event: unknown, context: Context) => {
  const deps = await treasuryWorkerDeps();
  if (!deps) return { outcomes: {} };
  const outcomes = await driveOpenTransfers(deps, { limit: 20, deadline: Date.now() + context.getRemainingTimeInMillis() - marginMs });
  logger.info('open treasury transfers driven', { outcomes });
  return { outcomes };
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));

export const handler = orScheduled('drive-open-transfers', driveOpen, driveMessages);
