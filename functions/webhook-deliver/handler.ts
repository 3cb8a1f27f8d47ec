import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { ParsedRecord } from '@aws-lambda-powertools/batch/types';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import type * as z from 'zod';
import { logger, metrics } from '../../lib/observability/powertools.js';
import { deliverWebhook } from '../../lib/webhooks/deliver.js';
import { deliveryMessageSchema } from '../../lib/webhooks/schemas.js';
import { sqsJsonBodies } from '../commons/records.js';
import { webhookDeps } from '../commons/webhook-deps.js';

const deps = webhookDeps();
// Records of a batch go out in parallel (the processor's default): one slow endpoint holds no other.
const processor = new BatchProcessor(EventType.SQS, sqsJsonBodies(deliveryMessageSchema));

const recordHandler = async (record: ParsedRecord<SQSRecord, z.infer<typeof deliveryMessageSchema>>) => {
  const message = record.body;
  const outcome = await deliverWebhook(deps, message);
  logger.debug('webhook delivery', { endpointId: message.endpointId, eventId: message.eventId, attempt: message.attempt, outcome });
};

export const handler = middy((event: SQSEvent, context: Context) => processPartialResponse(event, recordHandler, processor, { context }))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
