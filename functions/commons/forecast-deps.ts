import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { dynamodbClient, forecastBatchConfigSchema, loadConfig, logger, metrics } from '#platform';
import { JsonRpcProvider } from 'ethers';
import { defaultForecastJobSettings, type ForecastJobDeps, type RebalanceRunDeps, type TreasuryChain } from '#treasury';
import { chainAdapters } from './chain-adapters.js';
import { treasuryChainOf } from './treasury-deps.js';

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

let rebalance: RebalanceRunDeps | undefined;

/**
 * What the job needs to propose rebalancing after a run: each chain with a treasury as the executor
 * sees it (its hot wallet read once from KMS) and a provider to read the treasury's balance.
 */
export async function rebalanceDeps(): Promise<RebalanceRunDeps> {
  if (rebalance) return rebalance;
  const forecast = forecastDeps();
  const treasuries = new Map<string, TreasuryChain>();
  for (const chain of forecast.chains.chains.filter((candidate) => candidate.treasury)) {
    treasuries.set(chain.name, treasuryChainOf(chain, await forecast.adapter(chain.name).hotWalletAddress()));
  }
  const providers = new Map(forecast.chains.chains.map((chain) => [chain.name, new JsonRpcProvider(chain.rpcUrls[0], chain.chainId, { staticNetwork: true })]));
  rebalance = {
    dynamodb: forecast.dynamodb, tableName: forecast.tableName, now: forecast.now, chains: forecast.chains,
    chain: (name) => treasuries.get(name) ?? missing(name),
    provider: (name) => providers.get(name) ?? missing(name),
    settings: { quantile: forecast.settings.quantile, shortfallProbability: forecast.settings.shortfallProbability },
  };
  return rebalance;
}

function missing(name: string): never {
  throw new Error(`chain ${name} has no treasury in the registry`);
}
