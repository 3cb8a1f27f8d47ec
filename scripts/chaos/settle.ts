import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { StartMessageMoveTaskCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { StackInfo } from '../stack/types.js';
import { listAll, type MerchantApi } from './api.js';
import { deadLetters, merchantEventIds } from './checks.js';
import { lanepay } from './cli.js';

export interface SettleOptions {
  info: StackInfo;
  stackFile: string;
  api: MerchantApi;
  dynamodb: DynamoDBClient;
  sqs: SQSClient;
  merchantId: string;
  received: Map<string, number>;
  deadlineMs: number;
  log: (line: string) => void;
}

/**
 * Waits, with a deadline, until the system is at rest: every payment final, every charge
 * succeeded, every event delivered. Meanwhile it does what an operator has for a stuck system:
 * `lanepay reconcile --older-than 60s` once a minute (re-relays events the stream lost, re-drives
 * stuck payouts; the local schedule runs it every 5 minutes for payments 15 minutes old), and a
 * dead-letter redrive (SQS StartMessageMoveTask, the console's "Start DLQ redrive") of any message
 * a dead-letter queue received, and `lanepay outbox replay` of any stream range the outbox relay gave
 * up on. Returns what it did, for the report.
 */
export async function settle(options: SettleOptions) {
  const { info, api, log } = options;
  const startedMs = Date.now();
  let lastReconcileMs = startedMs;
  let lastStatusMs = 0;
  const actions: string[] = [];
  for (;;) {
    const payments = await listAll(api, '/v1/payments');
    const charges = await listAll(api, '/v1/charges');
    const events = await merchantEventIds(options.dynamodb, info.tableName, options.merchantId);
    const open = {
      payments: payments.filter((p) => p.status !== 'succeeded' && p.status !== 'failed').length,
      charges: charges.filter((c) => c.status !== 'succeeded').length,
      events: [...events].filter((id) => !options.received.has(id)).length,
    };
    const dead = await deadLetters(options.sqs, info);
    for (const [logicalId, count] of dead) {
      // The outbox relay's on-failure queue holds stream ranges, not messages of a source queue: its tool is `lanepay outbox replay`.
      const outcome = logicalId === 'OutboxRelayFailureQueue'
        ? await lanepay(options.stackFile, ['outbox', 'replay']).then((run) => `lanepay outbox replay (exit ${run.code}): ${run.stdout.trim().split('\n').at(-1)}`)
        : await options.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: info.queues[logicalId]!.arn }))
          .then(() => 'redriven to its source queue', (error: Error) => `redrive refused: ${error.message}`);
      const line = `${logicalId}: ${count} dead-lettered message(s), ${outcome}`;
      actions.push(line);
      log(line);
    }
    const elapsedS = Math.round((Date.now() - startedMs) / 1000);
    if (open.payments + open.charges + open.events === 0) {
      log(`at rest after ${elapsedS} s of settling`);
      return { settled: true, seconds: elapsedS, actions };
    }
    if (Date.now() - lastStatusMs > 15_000) {
      log(`settling (${elapsedS} s): ${open.payments} payments not final, ${open.charges} charges not succeeded, ${open.events} events not delivered`);
      lastStatusMs = Date.now();
    }
    if (Date.now() > options.deadlineMs) return { settled: false, seconds: elapsedS, actions };
    if (Date.now() - lastReconcileMs > 60_000) {
      const run = await lanepay(options.stackFile, ['reconcile', '--older-than', '60s']);
      const summary = run.stdout.split('\n').filter((line) => /^(Looked at|Re-driven|Needs a human)|^  \S/.test(line)).join(' | ');
      const line = `lanepay reconcile --older-than 60s (exit ${run.code}): ${summary || run.stderr.trim().split('\n').at(-1)}`;
      actions.push(line);
      log(line);
      lastReconcileMs = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 5_000));
  }
}
