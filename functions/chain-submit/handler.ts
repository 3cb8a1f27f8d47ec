import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { submitPayouts, submitSweep, type Payment, type SubmitResult } from '#money';
import { payoutsRequestedSchema } from '#notify';
import { hotWalletMoveMessageSchema, submitHotWalletMove } from '#treasury';
import { idTimeMs, loadConfig, logger, metrics, payoutConfigSchema, releaseForRetry, traceHeaderOfRecord, withTraces } from '#platform';
import { callCounts, payoutDeps } from '../commons/payout-deps.js';
import { sqsEventRecordSchema } from '../commons/records.js';
import { receivedKeys, sentAtMsOf } from '../commons/trace.js';

const deps = payoutDeps();
const queueUrl = loadConfig(payoutConfigSchema).CHAIN_SUBMIT_QUEUE_URL;
// FIFO: once a record fails, the rest of its batch is reported failed too, keeping nonce order.
const processor = new SqsFifoPartialProcessorAsync();

const sweepMessageSchema = z.strictObject({ type: z.literal('sweep.requested'), sweepId: z.string().regex(/^swp_[0-9a-z]{26}$/), chain: z.string() });

// The FIFO processor takes no parser (Powertools 2.35), so each record is parsed here: several
// captured payments (the relay's messages), one `payment.processing` event (messages queued before
// those), a sweep request, an approved treasury move out of the hot wallet, or nothing we know (malformed).
type Parsed =
  | { kind: 'payments'; events: { id: string; payment: Payment; traceHeader: string | undefined }[] } | { kind: 'sweep'; sweepId: string }
  | { kind: 'move'; transferId: string } | { kind: 'other' } | { kind: 'malformed' };

function parseRecord(record: SQSRecord): Parsed {
  const body = parsedBody(record.body);
  const sweep = sweepMessageSchema.safeParse(body);
  if (sweep.success) return { kind: 'sweep', sweepId: sweep.data.sweepId };
  const move = hotWalletMoveMessageSchema.safeParse(body);
  if (move.success) return { kind: 'move', transferId: move.data.transferId };
  const requested = payoutsRequestedSchema.safeParse(body);
  if (requested.success) {
    // Each payment's own trace; the message's AWSTraceHeader is the first payment's.
    const traceHeaderOf = (eventId: string) => requested.data.traceHeaders?.[eventId] ?? traceHeaderOfRecord(record);
    const events = requested.data.events.flatMap((e) => (e.type === 'payment.processing' ? [{ id: e.id, payment: e.data.object, traceHeader: traceHeaderOf(e.id) }] : []));
    return events.length === requested.data.events.length ? { kind: 'payments', events } : { kind: 'malformed' };
  }
  const single = sqsEventRecordSchema.safeParse(record);
  if (!single.success) return { kind: 'malformed' };
  return single.data.body.type === 'payment.processing' ? { kind: 'payments', events: [{ id: single.data.body.id, payment: single.data.body.data.object, traceHeader: traceHeaderOfRecord(record) }] } : { kind: 'other' };
}

function parsedBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/**
 * The capture-to-broadcast SLI (infra/slos.json): from the payment.processing event (its id's time is the
 * capture) to this batch's broadcast, for each payout broadcast now, a wait for liquidity or a retry included.
 */
function recordCaptureToBroadcast(messages: Parsed[], results: Map<string, SubmitResult>): void {
  const broadcastAtMs = Date.now();
  for (const message of messages) {
    if (message.kind !== 'payments') continue;
    for (const { id, payment } of message.events) {
      const result = results.get(payment.id);
      if (result && 'outcome' in result && result.outcome === 'submitted') metrics.addMetric('CaptureToBroadcastMs', MetricUnit.Milliseconds, broadcastAtMs - idTimeMs(id));
    }
  }
}

export const handler = middy(async (event: SQSEvent, context: Context) => {
  const receivedAtMs = Date.now();
  const parsed = new Map(event.Records.map((record) => [record.messageId, parseRecord(record)]));
  // Lines and messages about one payment (its broadcast, its check) carry that payment's trace.
  const traces = new Map([...parsed.values()].flatMap((p) => (p.kind === 'payments' ? p.events.flatMap((e) => (e.traceHeader ? [[e.payment.id, e.traceHeader] as const] : [])) : [])));
  return withTraces(traces, () => submitBatch(event, context, parsed, receivedAtMs));
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));

async function submitBatch(event: SQSEvent, context: Context, parsed: Map<string, Parsed>, receivedAtMs: number) {
  // The batch's payouts go out as one unit (one read, one nonce transaction, parallel signing);
  // the processor then reports each record by its own payouts' results.
  const payments = [...parsed.values()].flatMap((p) => (p.kind === 'payments' ? p.events.map((e) => e.payment) : []));
  const results = new Map<string, SubmitResult>((await submitPayouts(deps, payments)).map((r) => [r.paymentId, r]));
  logger.info('payout batch submitted', { records: event.Records.length, payouts: new Set(payments.map((p) => p.id)).size, calls: callCounts });
  recordCaptureToBroadcast([...parsed.values()], results);

  // Records a retry cannot help (malformed) or that were never tried (after the batch's first failure).
  const tried = new Set<string>();
  const malformed = new Set<string>();
  const recordHandler = async (record: SQSRecord) => {
    tried.add(record.messageId);
    const message = parsed.get(record.messageId)!;
    switch (message.kind) {
      case 'malformed':
        malformed.add(record.messageId);
        throw new Error(`message ${record.messageId} is neither a payout request nor a sweep request`);
      case 'other':
        return;
      case 'sweep': {
        // Sweeps share the hot wallet's message group with payouts, so their nonces are taken in line.
        const outcome = await submitSweep(deps, message.sweepId);
        logger.info('sweep submitted', { sweepId: message.sweepId, outcome });
        return;
      }
      case 'move': {
        // An approved treasury move out of the hot wallet (lib/treasury/moves): its nonces in line too.
        const outcome = await submitHotWalletMove(deps, message.transferId);
        logger.info('treasury move submitted', { transfer: message.transferId, outcome });
        return;
      }
      case 'payments':
        for (const { id: eventId, payment } of message.events) {
          const result = results.get(payment.id);
          if (!result) throw new Error(`payment ${payment.id} was not in the submitted batch`);
          if ('error' in result) {
            logger.warn('payout not submitted, its message is retried', { payment_id: payment.id, eventId, error: result.error as Error });
            throw result.error;
          }
          logger.info('payout submitted', { payment_id: result.paymentId, eventId, outcome: result.outcome, ...receivedKeys('chain-submit', sentAtMsOf(record), receivedAtMs) });
        }
    }
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
}
