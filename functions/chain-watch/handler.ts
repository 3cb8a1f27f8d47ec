import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { setTimeout as delay } from 'node:timers/promises';
import { ChainRegistry, ChainUnavailableError, FailoverRpc } from '#chains';
import { planSweep, watchChain, type WatchDeps } from '#money';
import { chainWatchConfigSchema, dynamodbClient, loadConfig, logger, metrics, sqsClient } from '#platform';
import { rpcOptions } from '../commons/rpc-circuits.js';

const config = loadConfig(chainWatchConfigSchema);
const chains = ChainRegistry.parse(config.CHAIN_REGISTRY);
// One RPC (and its breaker state) per chain for the container's lifetime.
const rpcs = new Map(chains.chains.map((chain) => [chain.name, new FailoverRpc(chain.name, chain.chainId, chain.rpcUrls, rpcOptions())]));
const deps: WatchDeps = {
  dynamodb: dynamodbClient(),
  tableName: config.TABLE_NAME,
  chains,
  rpc: (name) => rpcs.get(name)!,
  now: () => new Date(),
  maxBlocksPerQuery: config.CHAIN_WATCH_MAX_BLOCKS_PER_QUERY,
  initialLookbackBlocks: config.CHAIN_WATCH_INITIAL_LOOKBACK_BLOCKS,
  onSetAside: (log, error) => logger.error('log set aside', { chain: log.chain, what: log.what, ...log.details, error }),
};
const payInChains = chains.chains.filter((chain) => chain.depositFactory).map((chain) => chain.name);
const sweepDeps = { dynamodb: deps.dynamodb, sqs: sqsClient(), tableName: config.TABLE_NAME, now: deps.now, chainSubmitQueueUrl: config.CHAIN_SUBMIT_QUEUE_URL };

/** Once per run: a sweep per chain and asset of whatever was credited and not yet swept. */
async function planSweeps(): Promise<void> {
  for (const chain of chains.chains.filter((c) => c.depositFactory)) {
    for (const asset of chain.assets.filter((a) => a.address !== 'native')) {
      const sweep = await planSweep(sweepDeps, chain.name, asset.symbol);
      if (sweep) logger.info('sweep planned', { sweepId: sweep.id, chain: chain.name, deposits: sweep.deposits.length, amount: sweep.amountMinor.toString() });
    }
  }
}

/**
 * One pass per chain. A log that cannot be booked is set aside inside the pass (lib/money/charges/set-aside.ts);
 * what is left to fail is a dependency being down: logged and counted, the other chains go on, and
 * the next pass scans the same blocks again.
 */
async function pass(): Promise<void> {
  await Promise.all(payInChains.map(async (chain) => {
    try {
      const report = await watchChain(deps, chain);
      if (report.matched + report.dust + report.setAside + report.credited + report.reverted > 0) logger.info('chain watched', { ...report });
      metrics.addMetric('DepositsCredited', MetricUnit.Count, report.credited);
      metrics.addMetric('DepositsReverted', MetricUnit.Count, report.reverted);
      metrics.addMetric('DustTransfers', MetricUnit.Count, report.dust);
      metrics.addMetric('DepositsSetAside', MetricUnit.Count, report.setAside);
      // Its own EMF document, so the chain goes with it (the SLI's top cause in `lanepay slo report`).
      const lag = metrics.singleMetric();
      lag.addMetadata('chain', chain);
      lag.addMetric('ChainWatchLagBlocks', MetricUnit.Count, report.lagBlocks);
    } catch (error) {
      if (error instanceof ChainUnavailableError) {
        logger.warn('chain unavailable', { chain });
        metrics.addMetric('ChainUnavailable', MetricUnit.Count, 1);
        return;
      }
      logger.error('chain watch pass failed', { chain, error });
      metrics.addMetric('ChainWatchFailed', MetricUnit.Count, 1);
    }
  }));
}

/**
 * Started by the schedule; polls until its run time is up, so deposits are seen within a poll
 * interval. A schedule input `{ "runSeconds": n }` shortens the run (the sample event uses it).
 */
export const handler = middy(async (event: { runSeconds?: unknown } | undefined) => {
  const requested = typeof event?.runSeconds === 'number' && event.runSeconds > 0 ? event.runSeconds : config.CHAIN_WATCH_RUN_SECONDS;
  const endsAtMs = Date.now() + Math.min(requested, config.CHAIN_WATCH_RUN_SECONDS) * 1000;
  let passes = 0;
  await planSweeps();
  do {
    await pass();
    passes += 1;
    // Waiting for the chain's next block between passes is the watcher's job, not a test's.
    if (Date.now() + config.CHAIN_WATCH_POLL_MS < endsAtMs) await delay(config.CHAIN_WATCH_POLL_MS);
  } while (Date.now() < endsAtMs);
  return { passes };
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
