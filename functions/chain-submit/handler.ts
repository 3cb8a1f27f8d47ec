import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger, metrics } from '../../lib/observability/powertools.js';
import { submitPayouts, type SubmitResult } from '../../lib/payouts/submit.js';
import { submitSweep } from '../../lib/sweeps/submit.js';
import { z } from 'zod';
import { callCounts, payoutDeps } from '../commons/payout-deps.js';
import { sqsEventRecordSchema } from '../commons/records.js';

const deps = payoutDeps();
// FIFO: once a record fails, the rest of its batch is reported failed too, keeping nonce order.
const processor = new SqsFifoPartialProcessorAsync();

const sweepMessageSchema = z.strictObject({ type: z.literal('sweep.requested'), sweepId: z.string().regex(/^swp_[0-9a-z]{26}$/), chain: z.string() });

// The FIFO processor takes no parser (Powertools 2.35), so each record is parsed here, as one.
const paymentOf = (record: SQSRecord) => {
  const parsed = sqsEventRecordSchema.safeParse(record);
  return parsed.success && parsed.data.body.type === 'payment.processing' ? parsed.data.body : undefined;
};

export const handler = middy(async (event: SQSEvent, context: Context) => {
  // The batch's payouts go out as one unit (one read, one nonce transaction, parallel signing);
  // the processor then reports each record by its own payout's result.
  const events = event.Records.map(paymentOf).filter((e) => e !== undefined);
  const results = new Map<string, SubmitResult>((await submitPayouts(deps, events.map((e) => e.data.object))).map((r) => [r.paymentId, r]));
  logger.info('payout batch submitted', { records: event.Records.length, payouts: events.length, calls: callCounts });

  const recordHandler = async (record: SQSRecord) => {
    // Sweeps share the hot wallet's message group with payouts, so their nonces are taken in line.
    const sweep = sweepMessageSchema.safeParse(JSON.parse(record.body));
    if (sweep.success) {
      const outcome = await submitSweep(deps, sweep.data.sweepId);
      logger.info('sweep submitted', { sweepId: sweep.data.sweepId, outcome });
      return;
    }
    const submitted = sqsEventRecordSchema.parse(record).body;
    if (submitted.type !== 'payment.processing') return;
    const result = results.get(submitted.data.object.id);
    if (!result) throw new Error(`payment ${submitted.data.object.id} was not in the submitted batch`);
    if ('error' in result) throw result.error;
    logger.info('payout submitted', { paymentId: result.paymentId, eventId: submitted.id, outcome: result.outcome });
  };
  return processPartialResponse(event, recordHandler, processor, { context });
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
