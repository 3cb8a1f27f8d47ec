import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { ParsedRecord } from '@aws-lambda-powertools/batch/types';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import type * as z from 'zod';
import { deliverWebhook, deliveryMessageSchema, type DeliveryOutcome } from '#notify';
import { idTimeMs, logger, metrics, traceHeaderOfRecord, withTrace } from '#platform';
import { sqsJsonBodies } from '../commons/records.js';
import { receivedKeys, sentAtMsOf } from '../commons/trace.js';
import { webhookDeps } from '../commons/webhook-deps.js';

const deps = webhookDeps();
// Records of a batch go out in parallel (the processor's default): one slow endpoint holds no other.
const processor = new BatchProcessor(EventType.SQS, sqsJsonBodies(deliveryMessageSchema));

const attempted = new Set<DeliveryOutcome>(['delivered', 'retry_scheduled', 'exhausted', 'endpoint_disabled']);

// Each record in its own trace scope: the delivery's lines (and a retry's message) carry its trace and object.
const recordHandler = (record: ParsedRecord<SQSRecord, z.infer<typeof deliveryMessageSchema>>) =>
  withTrace({ header: traceHeaderOfRecord(record), subject: record.body.objectId }, () => deliver(record));

const deliver = async (record: ParsedRecord<SQSRecord, z.infer<typeof deliveryMessageSchema>>) => {
  const message = record.body;
  const startedAtMs = Date.now();
  logger.info('delivery received', { eventId: message.eventId, endpointId: message.endpointId, attempt: message.attempt, ...receivedKeys('webhook-delivery', sentAtMsOf(record), startedAtMs) });
  const outcome = await deliverWebhook(deps, message);
  // The event-to-first-attempt SLI (infra/slos.json): an event's first attempt to an endpoint, when one was made.
  if (message.run === 'first' && message.attempt === 1 && attempted.has(outcome)) {
    const datum = metrics.singleMetric();
    datum.addMetadata('endpointId', message.endpointId);
    datum.addMetric('EventToFirstAttemptMs', MetricUnit.Milliseconds, startedAtMs - idTimeMs(message.eventId));
  }
  logger.debug('webhook delivery', { endpointId: message.endpointId, eventId: message.eventId, attempt: message.attempt, outcome });
};

export const handler = middy((event: SQSEvent, context: Context) => processPartialResponse(event, recordHandler, processor, { context }))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
