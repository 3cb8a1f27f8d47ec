import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { dynamodbClient } from '../../lib/aws/clients/dynamodb.js';
import { forecastBatchConfigSchema, loadConfig } from '../../lib/aws/config.js';
import { defaultForecastJobSettings, type ForecastJobDeps } from '../../lib/forecast-job/run.js';
import { logger, metrics } from '../../lib/observability/powertools.js';
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
      } else {
        logger.info('forecast written', { ...signal });
        metrics.addMetric('ForecastsWritten', MetricUnit.Count, 1);
      }
    },
  };
  return deps;
}
