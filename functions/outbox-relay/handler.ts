import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { relayOutboxItems, type RelayResult } from '#notify';
import { dynamodbClient, loadConfig, logger, outboxRelayConfigSchema, snsClient, sqsClient, withTrace } from '#platform';
import { outboxStreamRecordSchema, recordsOf, type OutboxStreamRecord } from '../commons/records.js';
import { receivedKeys, subjectOf } from '../commons/trace.js';

const config = loadConfig(outboxRelayConfigSchema);
const deps = {
  sqs: sqsClient(),
  dynamodb: dynamodbClient(),
  tableName: config.TABLE_NAME,
  notifyQueueUrl: config.NOTIFY_QUEUE_URL,
  chainSubmitQueueUrl: config.CHAIN_SUBMIT_QUEUE_URL,
  flowTotalsQueueUrl: config.FLOW_TOTALS_QUEUE_URL,
  reportsQueueUrl: config.REPORTS_QUEUE_URL,
  sns: snsClient(),
  alertsTopicArn: config.ALERTS_TOPIC_ARN,
  treasuryQueueUrl: config.TREASURY_QUEUE_URL,
};
const processor = new BatchProcessor(EventType.DynamoDBStreams, recordsOf(outboxStreamRecordSchema));

export const handler = middy(async (event: DynamoDBStreamEvent, context: Context) => {
  const receivedAtMs = Date.now();
  // The batch's events go out together (SendMessageBatch, several captured payments to a chain-submit
  // message); the processor then reports each record by its own event's result.
  const items = event.Records.map((record) => outboxStreamRecordSchema.safeParse(record)).flatMap((parsed) => (parsed.success ? [parsed.data.dynamodb.NewImage] : []));
  const results = new Map<string, RelayResult>((await relayOutboxItems(deps, items)).map((r) => [r.eventId, r]));
  // Each record's lines carry its own event's trace and object (the stream's write time is whole seconds).
  const recordHandler = async (record: OutboxStreamRecord) => {
    const item = record.dynamodb.NewImage;
    await withTrace({ header: item.entity === 'event' ? item.traceHeader : undefined, subject: item.entity === 'event' ? subjectOf(item.body) : undefined }, async () => {
      const result = results.get(item.body.id);
      if (!result) throw new Error(`event ${item.body.id} was not in the relayed batch`);
      if ('error' in result) throw result.error;
      const writtenAtSeconds = record.dynamodb.ApproximateCreationDateTime;
      logger.info('event relayed', { ...result, ...receivedKeys('stream', writtenAtSeconds === undefined ? undefined : writtenAtSeconds * 1000, receivedAtMs) });
    });
  };
  return processPartialResponse(event, recordHandler, processor, { context });
}).use(injectLambdaContext(logger, { resetKeys: true }));
