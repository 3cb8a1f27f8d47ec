import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { decideVerification } from '../../lib/customers/decide.js';
import { rescreenApproved, sweepProcessing } from '../../lib/customers/rescreen.js';
import { verificationIdSchema } from '../../lib/customers/schemas.js';
import { logger } from '../../lib/observability/powertools.js';
import { kycCheckDeps } from '../commons/customer-deps.js';
import { sqsJsonBodies } from '../commons/records.js';
import { orScheduled } from '../commons/scheduled.js';

const deps = kycCheckDeps();
// Cold start: load the index before the first message, not during it.
await deps.sanctions().catch((error: unknown) => logger.warn('no sanctions list loaded yet', { error }));

const processor = new BatchProcessor(EventType.SQS, sqsJsonBodies(z.object({ verification_id: verificationIdSchema })));

const recordHandler = async (record: { body: { verification_id: string } }) => {
  const outcome = await decideVerification(deps, record.body.verification_id);
  logger.debug('verification message', { verificationId: record.body.verification_id, outcome });
};

const sqs = middy((event: SQSEvent, context: Context) => processPartialResponse(event, recordHandler, processor, { context }))
  .use(injectLambdaContext(logger, { resetKeys: true }));

const schedule = middy(async () => {
  await deps.refreshSanctions();
  const swept = await sweepProcessing(deps);
  const rescreened = await rescreenApproved(deps);
  logger.info('kyc schedule finished', { ...swept, ...rescreened });
  return { ...swept, ...rescreened };
}).use(injectLambdaContext(logger, { resetKeys: true }));

/** One function, two triggers: verification messages and the sweep / re-screening schedule. */
export const handler = orScheduled('kyc-schedule', schedule, (event: SQSEvent, context: Context) => sqs(event, context));
