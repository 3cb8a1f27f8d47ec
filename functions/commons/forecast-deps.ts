import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { dynamodbClient, forecastBatchConfigSchema, loadConfig, logger, metrics } from '#platform';
import { defaultForecastJobSettings, treasuryChainOf, type ForecastJobDeps, type RebalanceRunDeps, type TreasuryChain } from '#treasury';
import { chainAdapters, chainProviders } from './chain-adapters.js';

let deps: ForecastJobDeps | undefined;
/** The same adapters, whole: the rebalancing reads treasury balances through them too. */
let adapters: ReturnType<typeof chainAdapters>['adapter'] | undefined;

/**
 * The forecast job's dependencies, once per container. Metrics carry the service dimension only,
 * so the alarm in infra/forecast.yml (which names just that dimension) sees every chain's datum;
 * the chain and asset go to the log line beside them.
 */
export function forecastDeps(): ForecastJobDeps {
  if (deps) return deps;
  const config = loadConfig(forecastBatchConfigSchema);
  const { chains, adapter } = chainAdapters(config.CHAIN_REGISTRY);
  adapters = adapter;
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

let rebalance: RebalanceRunDeps | undefined;

/**
 * What the job needs to propose rebalancing after a run: each chain with a treasury as the executor
 * sees it (its hot wallet read once from KMS), the adapters to read its Safe's balance, and a
 * provider to read the Safe's nonce.
 */
export async function rebalanceDeps(): Promise<RebalanceRunDeps> {
  if (rebalance) return rebalance;
  const forecast = forecastDeps();
  const treasuries = new Map<string, TreasuryChain>();
  for (const chain of forecast.chains.chains.filter((candidate) => candidate.treasury)) {
    treasuries.set(chain.name, treasuryChainOf(chain, await forecast.adapter(chain.name).hotWalletAddress()));
  }
  const built: RebalanceRunDeps = {
    dynamodb: forecast.dynamodb, tableName: forecast.tableName, now: forecast.now, chains: forecast.chains,
    actor: { type: 'system', id: 'forecast-batch' },
    chain: (name) => treasuries.get(name) ?? missing(name),
    provider: chainProviders(forecast.chains),
    adapter: adapters!,
    settings: { quantile: forecast.settings.quantile, shortfallProbability: forecast.settings.shortfallProbability },
  };
  rebalance = built;
  return built;
}

function missing(name: string): never {
  throw new Error(`chain ${name} has no treasury in the registry`);
}
