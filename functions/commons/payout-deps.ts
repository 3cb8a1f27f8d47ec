import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { randomUUID } from 'node:crypto';
import { dynamodbClient } from '../../lib/aws/clients/dynamodb.js';
import { kmsClient } from '../../lib/aws/clients/kms.js';
import { sqsClient } from '../../lib/aws/clients/sqs.js';
import { loadConfig, payoutConfigSchema } from '../../lib/aws/config.js';
import { logger, metrics } from '../../lib/observability/powertools.js';
import type { PayoutDeps, PayoutSignal } from '../../lib/payouts/deps.js';
import { chainAdapters } from './chain-adapters.js';

const metricBySignal: Record<PayoutSignal['kind'], string> = {
  liquidity_low: 'HotWalletLiquidityLow',
  chain_unavailable: 'ChainUnavailable',
  fee_bumped: 'PayoutFeeBumped',
  rebroadcast: 'PayoutRebroadcast',
  payout_stuck: 'PayoutStuck',
};

let deps: PayoutDeps | undefined;

/**
 * The calls this container has made since it started, by service (SDK retries below the client
 * not counted; RPC: every JSON-RPC request). The payout handlers log them after each batch, so a
 * bench can divide them by the payouts it sent (bench/pipeline.ts); the counting costs nothing.
 */
export const callCounts = { instance: randomUUID().slice(0, 8), dynamodb: 0, kms: 0, sqs: 0, rpc: 0 };

type Counted = { middlewareStack: { add(middleware: (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>, options: { step: 'initialize'; name: string }): void } };

function counted<T>(client: T, service: 'dynamodb' | 'kms' | 'sqs'): T {
  (client as unknown as Counted).middlewareStack.add((next) => async (args) => {
    callCounts[service] += 1;
    return next(args);
  }, { step: 'initialize', name: 'lanepayCallCount' });
  return client;
}

/** Payout dependencies, once per container: one adapter (RPC breaker state, KMS address) per chain. */
export function payoutDeps(): PayoutDeps {
  if (deps) return deps;
  const config = loadConfig(payoutConfigSchema);
  counted(kmsClient(), 'kms');
  const { chains, adapter } = chainAdapters(config.CHAIN_REGISTRY, { onRequest: () => { callCounts.rpc += 1; } });
  deps = {
    dynamodb: counted(dynamodbClient(), 'dynamodb'),
    sqs: counted(sqsClient(), 'sqs'),
    tableName: config.TABLE_NAME,
    chains,
    adapter,
    checkQueueUrl: config.CHAIN_CHECK_QUEUE_URL,
    checkDelaySeconds: config.CHAIN_CHECK_DELAY_SECONDS,
    stuckAfterMs: config.PAYOUT_STUCK_AFTER_SECONDS * 1000,
    now: () => new Date(),
    signal: (signal) => emitSignal(signal),
  };
  return deps;
}

/**
 * Logs a payout signal and counts it twice: per chain (for dashboards) and with the service
 * dimension alone, which is what the alarms in infra/queues.yml watch (a CloudWatch alarm matches
 * one exact dimension set, so a per-chain count alone would never reach them).
 */
export function emitSignal(signal: PayoutSignal): void {
  logger.warn(signal.kind, { ...signal });
  const perChain = metrics.singleMetric();
  perChain.addDimension('chain', signal.chain);
  perChain.addMetric(metricBySignal[signal.kind], MetricUnit.Count, 1);
  metrics.singleMetric().addMetric(metricBySignal[signal.kind], MetricUnit.Count, 1);
}
