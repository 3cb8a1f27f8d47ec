import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent } from 'aws-lambda';
import type * as z from 'zod';
import { logger } from '#platform';
import { buildReport } from '#reports';
import { recordsOf } from '../commons/batch.js';
import { reportJobRecordSchema } from '../commons/report-records.js';
import { reportBuildDeps } from '../commons/report-deps.js';

const deps = reportBuildDeps();
const processor = new BatchProcessor(EventType.SQS, recordsOf(reportJobRecordSchema));

const recordHandler = async (record: z.infer<typeof reportJobRecordSchema>) => {
  const job = { merchantId: record.messageAttributes.merchantId.stringValue, reportId: record.body.data.object.id };
  const outcome = await buildReport(deps, job);
  logger.info('report job', { ...job, outcome });
};

export const handler = middy((event: SQSEvent, context: Context) => processPartialResponse(event, recordHandler, processor, { context }))
  .use(injectLambdaContext(logger, { resetKeys: true }));
