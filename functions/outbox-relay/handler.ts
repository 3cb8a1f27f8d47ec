import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { dynamodbClient } from '../../lib/aws/clients/dynamodb.js';
import { snsClient } from '../../lib/aws/clients/sns.js';
import { sqsClient } from '../../lib/aws/clients/sqs.js';
import { loadConfig, outboxRelayConfigSchema } from '../../lib/aws/config.js';
import { logger } from '../../lib/observability/powertools.js';
import { relayOutboxItem } from '../../lib/outbox/relay.js';
import { outboxStreamRecordSchema, recordsOf, type OutboxStreamRecord } from '../commons/records.js';

const config = loadConfig(outboxRelayConfigSchema);
const deps = {
  sqs: sqsClient(),
  dynamodb: dynamodbClient(),
  tableName: config.TABLE_NAME,
  notifyQueueUrl: config.NOTIFY_QUEUE_URL,
  chainSubmitQueueUrl: config.CHAIN_SUBMIT_QUEUE_URL,
  flowTotalsQueueUrl: config.FLOW_TOTALS_QUEUE_URL,
  sns: snsClient(),
  alertsTopicArn: config.ALERTS_TOPIC_ARN,
};
const processor = new BatchProcessor(EventType.DynamoDBStreams, recordsOf(outboxStreamRecordSchema));

const recordHandler = async (record: OutboxStreamRecord) => {
  const relayed = await relayOutboxItem(deps, record.dynamodb.NewImage);
  logger.debug('event relayed', relayed);
};

export const handler = middy((event: DynamoDBStreamEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context }),
).use(injectLambdaContext(logger, { resetKeys: true }));
