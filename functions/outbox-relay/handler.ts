import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { sqsClient } from '../../lib/aws/clients.js';
import { loadConfig, outboxRelayConfigSchema } from '../../lib/aws/config.js';
import { logger } from '../../lib/observability/powertools.js';
import { parseOutboxEvent, relayEvent } from '../../lib/outbox/relay.js';

const config = loadConfig(outboxRelayConfigSchema);
const deps = { sqs: sqsClient(), notifyQueueUrl: config.NOTIFY_QUEUE_URL, chainSubmitQueueUrl: config.CHAIN_SUBMIT_QUEUE_URL };
const processor = new BatchProcessor(EventType.DynamoDBStreams);

const recordHandler = async (record: DynamoDBRecord) => {
  const body = record.dynamodb?.NewImage?.body?.S;
  // The event source's filter sends only inserted events; anything else is not ours to relay.
  if (record.eventName !== 'INSERT' || record.dynamodb?.NewImage?.entity?.S !== 'event' || !body) return;
  const event = parseOutboxEvent(body);
  const merchantId = record.dynamodb?.NewImage?.merchantId?.S;
  if (!merchantId) throw new Error(`outbox event ${event.id} has no merchantId`);
  const { queues } = await relayEvent(deps, event, merchantId);
  logger.debug('event relayed', { eventId: event.id, type: event.type, queues });
};

export const handler = middy((event: DynamoDBStreamEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context }),
).use(injectLambdaContext(logger, { resetKeys: true }));
