import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { dynamodbClient, forecastBatchConfigSchema, loadConfig, logger, metrics } from '#platform';
import { defaultForecastJobSettings, type ForecastJobDeps } from '#treasury';
import { chainAdapters } from './chain-adapters.js';

let deps: ForecastJobDeps | undefined;

/**
 * The forecast job's dependencies, once per container. Metrics carry the service dimension only,
 * so the alarm in infra/forecast.yml (which names just that dimension) sees every chain's datum;
 * the chain and asset go to the log line beside them.
 */
export function forecastDeps(): ForecastJobDeps {
  if (deps) return deps;
  const config = loadConfig(forecastBatchConfigSchema);
  const { chains, adapter } = chainAdapters(config.CHAIN_REGISTRY);
  deps = {
    dynamodb: dynamodbClient(),
    tableName: config.TABLE_NAME,
    chains,
    adapter,
    now: () => new Date(),
    settings: {
      ...defaultForecastJobSettings,
      historyDays: config.FORECAST_HISTORY_DAYS,
      pathCount: config.FORECAST_PATH_COUNT,
      quantile: config.FORECAST_LIQUIDITY_QUANTILE,
      shortfallProbability: config.FORECAST_SHORTFALL_PROBABILITY,
    },
    signal: (signal) => {
      if (signal.kind === 'forecast_shortfall') {
        logger.warn('liquidity forecast shortfall', { ...signal });
        metrics.addMetric('LiquidityForecastShortfall', MetricUnit.Count, 1);
      } else if (signal.kind === 'forecast_superseded') {
        logger.info('forecast dropped: a run that started later stored a newer one', { ...signal });
      } else {
        logger.info('forecast written', { ...signal });
        metrics.addMetric('ForecastsWritten', MetricUnit.Count, 1);
      }
    },
  };
  return deps;
}
