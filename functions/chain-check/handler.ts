import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { ParsedRecord } from '@aws-lambda-powertools/batch/types';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { checkPayouts, checkSweep, type CheckResult } from '#money';
import { logger, metrics, traceHeaderOfRecord, withTraces } from '#platform';
import { callCounts, payoutDeps } from '../commons/payout-deps.js';
import { sqsJsonBodies } from '../commons/records.js';
import { receivedKeys, sentAtMsOf } from '../commons/trace.js';

const deps = payoutDeps();
const paymentCheckSchema = z.strictObject({ paymentId: z.string().regex(/^pay_[0-9a-z]{26}$/) });
const checkMessageSchema = z.union([paymentCheckSchema, z.strictObject({ sweepId: z.string().regex(/^swp_[0-9a-z]{26}$/) })]);
const processor = new BatchProcessor(EventType.SQS, sqsJsonBodies(checkMessageSchema));

const paymentIdOf = (record: SQSRecord) => {
  try {
    const parsed = paymentCheckSchema.safeParse(JSON.parse(record.body));
    return parsed.success ? parsed.data.paymentId : undefined;
  } catch {
    return undefined; // not JSON: the processor's parser fails this record alone
  }
};

export const handler = middy(async (event: SQSEvent, context: Context) => {
  const receivedAtMs = Date.now();
  // Each payout's trace came with its check message: its settlement's event and its next check carry it on.
  const traces = new Map(event.Records.flatMap((record) => {
    const paymentId = paymentIdOf(record);
    const header = traceHeaderOfRecord(record);
    return paymentId && header ? [[paymentId, header] as const] : [];
  }));
  return withTraces(traces, () => checkBatch(event, context, receivedAtMs));
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));

async function checkBatch(event: SQSEvent, context: Context, receivedAtMs: number) {
  // The batch's payouts are looked at together (one read, one head block per chain, settlements
  // one wallet at a time); the processor then reports each record by its own payout's result.
  const paymentIds = event.Records.map(paymentIdOf).filter((id) => id !== undefined);
  const results = new Map<string, CheckResult>((await checkPayouts(deps, paymentIds)).map((r) => [r.paymentId, r]));
  logger.info('payout batch checked', { records: event.Records.length, payouts: paymentIds.length, calls: callCounts });

  const recordHandler = async (record: ParsedRecord<SQSRecord, z.infer<typeof checkMessageSchema>>) => {
    if ('sweepId' in record.body) {
      const outcome = await checkSweep(deps, record.body.sweepId);
      logger.info('sweep checked', { sweepId: record.body.sweepId, outcome });
      return;
    }
    const result = results.get(record.body.paymentId);
    if (!result) throw new Error(`payment ${record.body.paymentId} was not in the checked batch`);
    if ('error' in result) throw result.error;
    logger.info('payout checked', { payment_id: result.paymentId, outcome: result.outcome, ...receivedKeys('chain-check', sentAtMsOf(record), receivedAtMs) });
  };
  return processPartialResponse(event, recordHandler, processor, { context });
}
