import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger, metrics } from '../../lib/observability/powertools.js';
import { submitPayout } from '../../lib/payouts/submit.js';
import { submitSweep } from '../../lib/sweeps/submit.js';
import { z } from 'zod';
import { payoutDeps } from '../commons/payout-deps.js';
import { sqsEventRecordSchema } from '../commons/records.js';

const deps = payoutDeps();
// FIFO: once a record fails, the rest of its batch is reported failed too, keeping nonce order.
const processor = new SqsFifoPartialProcessorAsync();

const sweepMessageSchema = z.strictObject({ type: z.literal('sweep.requested'), sweepId: z.string().regex(/^swp_[0-9a-z]{26}$/), chain: z.string() });

const recordHandler = async (record: SQSRecord) => {
  // Sweeps share the chain's message group with payouts, so their nonces are taken in line.
  const sweep = sweepMessageSchema.safeParse(JSON.parse(record.body));
  if (sweep.success) {
    const outcome = await submitSweep(deps, sweep.data.sweepId);
    logger.info('sweep submitted', { sweepId: sweep.data.sweepId, outcome });
    return;
  }
  // The FIFO processor takes no parser (Powertools 2.35), so the record is parsed here, as one.
  const event = sqsEventRecordSchema.parse(record).body;
  if (event.type !== 'payment.processing') return;
  const outcome = await submitPayout(deps, event.data.object);
  logger.info('payout submitted', { paymentId: event.data.object.id, eventId: event.id, outcome });
};

export const handler = middy((event: SQSEvent, context: Context) => processPartialResponse(event, recordHandler, processor, { context }))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
