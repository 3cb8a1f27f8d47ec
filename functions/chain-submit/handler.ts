import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { loadConfig, payoutConfigSchema } from '../../lib/aws/config.js';
import { releaseForRetry } from '../../lib/aws/sqs-release.js';
import { logger, metrics } from '../../lib/observability/powertools.js';
import { submitPayouts, type SubmitResult } from '../../lib/payouts/submit.js';
import { submitSweep } from '../../lib/sweeps/submit.js';
import * as z from 'zod';
import { callCounts, payoutDeps } from '../commons/payout-deps.js';
import { sqsEventRecordSchema } from '../commons/records.js';

const deps = payoutDeps();
const queueUrl = loadConfig(payoutConfigSchema).CHAIN_SUBMIT_QUEUE_URL;
// FIFO: once a record fails, the rest of its batch is reported failed too, keeping nonce order.
const processor = new SqsFifoPartialProcessorAsync();

const sweepMessageSchema = z.strictObject({ type: z.literal('sweep.requested'), sweepId: z.string().regex(/^swp_[0-9a-z]{26}$/), chain: z.string() });

// The FIFO processor takes no parser (Powertools 2.35), so each record is parsed here, as one.
const paymentOf = (record: SQSRecord) => {
  const parsed = sqsEventRecordSchema.safeParse(record);
  return parsed.success && parsed.data.body.type === 'payment.processing' ? parsed.data.body : undefined;
};

function parsedBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

export const handler = middy(async (event: SQSEvent, context: Context) => {
  // The batch's payouts go out as one unit (one read, one nonce transaction, parallel signing);
  // the processor then reports each record by its own payout's result.
  const events = event.Records.map(paymentOf).filter((e) => e !== undefined);
  const results = new Map<string, SubmitResult>((await submitPayouts(deps, events.map((e) => e.data.object))).map((r) => [r.paymentId, r]));
  logger.info('payout batch submitted', { records: event.Records.length, payouts: events.length, calls: callCounts });

  // Records a retry cannot help (malformed) or that were never tried (after the batch's first failure).
  const tried = new Set<string>();
  const malformed = new Set<string>();
  const recordHandler = async (record: SQSRecord) => {
    tried.add(record.messageId);
    // Sweeps share the hot wallet's message group with payouts, so their nonces are taken in line.
    const sweep = sweepMessageSchema.safeParse(parsedBody(record.body));
    if (sweep.success) {
      const outcome = await submitSweep(deps, sweep.data.sweepId);
      logger.info('sweep submitted', { sweepId: sweep.data.sweepId, outcome });
      return;
    }
    const parsed = sqsEventRecordSchema.safeParse(record);
    if (!parsed.success) {
      malformed.add(record.messageId);
      throw new Error(`message ${record.messageId} is neither a payout event nor a sweep request`);
    }
    const submitted = parsed.data.body;
    if (submitted.type !== 'payment.processing') return;
    const result = results.get(submitted.data.object.id);
    if (!result) throw new Error(`payment ${submitted.data.object.id} was not in the submitted batch`);
    if ('error' in result) throw result.error;
    logger.info('payout submitted', { paymentId: result.paymentId, eventId: submitted.id, outcome: result.outcome });
  };
  // A batch that failed whole is answered as its failures too (not thrown), so its records can be released.
  const response = await processPartialResponse(event, recordHandler, processor, { context, throwOnFullBatchFailure: false });
  const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
  const release = event.Records.filter((r) => failed.has(r.messageId) && (malformed.has(r.messageId) || !tried.has(r.messageId)));
  if (release.length > 0) {
    logger.warn('records released for an immediate retry', { malformed: [...malformed], untried: release.filter((r) => !tried.has(r.messageId)).map((r) => r.messageId) });
    await releaseForRetry(deps.sqs, queueUrl, release.map((r) => r.receiptHandle));
  }
  return response;
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
