import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { logger, metrics } from '#platform';
import { proposeRebalancing, readForecasts, runForecastJob } from '#treasury';
import { forecastDeps, rebalanceDeps } from '../commons/forecast-deps.js';

const deps = forecastDeps();

/** Scheduled (infra/settings.yml forecastSchedule): forecasts and liquidity plans for every chain and asset, then the treasury's rebalancing proposals. */
export const handler = middy(async () => {
  // The forecast-freshness SLI (infra/slos.json): how old each chain's forecast had grown by the time this run started.
  const startedAtMs = Date.now();
  for (const { record } of await readForecasts(deps)) {
    metrics.addMetric('ForecastAgeMinutes', MetricUnit.Count, Math.floor((startedAtMs - Date.parse(record.generatedAt)) / 60_000));
  }
  const records = await runForecastJob(deps);
  // One datum per finished run, history or not: the stale-forecast alarm watches this.
  metrics.addMetric('ForecastRuns', MetricUnit.Count, 1);
  const summary = records.map((r) => ({ chain: r.chain, asset: r.asset, status: r.status, dryProbability: r.plan?.dryProbability, topUpMinor: r.plan?.topUpMinor, planError: r.planError }));
  logger.info('forecast run finished', { forecasts: summary });
  // The plans become the treasury's rebalancing proposals, each an approval request to its owners.
  // A failure here (a node down) leaves the forecasts stored: it is reported, not retried with them.
  const rebalancing = await proposeRebalancing(await rebalanceDeps(), records).catch((error: unknown) => {
    logger.error('rebalancing not proposed', { error });
    metrics.addMetric('RebalancingFailed', MetricUnit.Count, 1);
    return { failed: error instanceof Error ? error.message : String(error) };
  });
  logger.info('rebalancing proposed', { rebalancing });
  return { forecasts: summary, rebalancing };
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
