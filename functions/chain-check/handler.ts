import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { ParsedRecord } from '@aws-lambda-powertools/batch/types';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { logger, metrics } from '../../lib/observability/powertools.js';
import { checkPayout } from '../../lib/payouts/check.js';
import { checkSweep } from '../../lib/sweeps/submit.js';
import { payoutDeps } from '../commons/payout-deps.js';
import { sqsJsonBodies } from '../commons/records.js';

const deps = payoutDeps();
const checkMessageSchema = z.union([
  z.strictObject({ paymentId: z.string().regex(/^pay_[0-9a-z]{26}$/) }),
  z.strictObject({ sweepId: z.string().regex(/^swp_[0-9a-z]{26}$/) }),
]);
const processor = new BatchProcessor(EventType.SQS, sqsJsonBodies(checkMessageSchema));

const recordHandler = async (record: ParsedRecord<SQSRecord, z.infer<typeof checkMessageSchema>>) => {
  if ('sweepId' in record.body) {
    const outcome = await checkSweep(deps, record.body.sweepId);
    logger.info('sweep checked', { sweepId: record.body.sweepId, outcome });
    return;
  }
  const { paymentId } = record.body;
  const outcome = await checkPayout(deps, paymentId);
  logger.info('payout checked', { paymentId, outcome });
};

export const handler = middy((event: SQSEvent, context: Context) => processPartialResponse(event, recordHandler, processor, { context }))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
