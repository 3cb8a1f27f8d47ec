import { ChainRegistry } from '#chains';
import type { ChargeDeps } from '#money';
import { chargesConfigSchema, dynamodbClient, loadConfig } from '#platform';

let deps: ChargeDeps | undefined;

/** Charge dependencies built once per container from the validated environment. */
export function chargeDeps(): ChargeDeps {
  if (deps) return deps;
  const config = loadConfig(chargesConfigSchema);
  deps = {
    dynamodb: dynamodbClient(),
    tableName: config.TABLE_NAME,
    chains: ChainRegistry.parse(config.CHAIN_REGISTRY),
    checkoutBaseUrl: config.CHECKOUT_BASE_URL.replace(/\/$/, ''),
    now: () => new Date(),
  };
  return deps;
}
