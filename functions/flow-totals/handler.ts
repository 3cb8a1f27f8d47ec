import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent } from 'aws-lambda';
import type * as z from 'zod';
import { dynamodbClient } from '../../lib/aws/clients/dynamodb.js';
import { baseConfigSchema, loadConfig } from '../../lib/aws/config.js';
import { recordFlowEvent } from '../../lib/forecast-job/flow-totals.js';
import { logger } from '../../lib/observability/powertools.js';
import { recordsOf, sqsEventRecordSchema } from '../commons/records.js';

const config = loadConfig(baseConfigSchema);
const deps = { dynamodb: dynamodbClient(), tableName: config.TABLE_NAME };
const processor = new BatchProcessor(EventType.SQS, recordsOf(sqsEventRecordSchema));

const recordHandler = async (record: z.infer<typeof sqsEventRecordSchema>) => {
  const outcome = await recordFlowEvent(deps, record.body);
  logger.debug('flow event', { eventId: record.body.id, type: record.body.type, outcome });
};

export const handler = middy((event: SQSEvent, context: Context) => processPartialResponse(event, recordHandler, processor, { context }))
  .use(injectLambdaContext(logger, { resetKeys: true }));
