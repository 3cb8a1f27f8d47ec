import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { dynamodbClient, sqsClient } from '../../lib/aws/clients.js';
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

/** Payout dependencies, once per container: one adapter (RPC breaker state, KMS address) per chain. */
export function payoutDeps(): PayoutDeps {
  if (deps) return deps;
  const config = loadConfig(payoutConfigSchema);
  const { chains, adapter } = chainAdapters(config.CHAIN_REGISTRY);
  deps = {
    dynamodb: dynamodbClient(),
    sqs: sqsClient(),
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
