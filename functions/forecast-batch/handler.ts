import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { logger, metrics } from '#platform';
import { readForecasts, runForecastJob } from '#treasury';
import { forecastDeps } from '../commons/forecast-deps.js';

const deps = forecastDeps();

/** Scheduled (infra/settings.yml forecastSchedule): forecasts and liquidity plans for every chain and asset. */
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
  return { forecasts: summary };
})
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics));
