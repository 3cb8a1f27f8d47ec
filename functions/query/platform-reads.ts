import { dynamodbClient, loadConfig, paymentsConfigSchema } from '#platform';
import { readLiquidity, type LiquidityDeps } from '#treasury';
import { chainAdapters } from '../commons/chain-adapters.js';

// Imported on the first GET /v1/liquidity (functions/query/handler.ts): the chain adapters (ethers,
// KMS) are loaded only by the containers that read hot wallets, not at every cold start of the reads.

let deps: LiquidityDeps | undefined;

/** An operator waits on this page: a node that does not answer is reported, not waited for. */
const rpcTimeoutMs = 3_000;

export function liquidity() {
  if (!deps) {
    const config = loadConfig(paymentsConfigSchema);
    const { chains, adapter } = chainAdapters(config.CHAIN_REGISTRY, { timeoutMs: rpcTimeoutMs });
    deps = { dynamodb: dynamodbClient(), tableName: config.TABLE_NAME, chains, adapter };
  }
  return readLiquidity(deps);
}
