import { dynamodbClient } from '../../lib/aws/clients/dynamodb.js';
import { chargesConfigSchema, loadConfig } from '../../lib/aws/config.js';
import type { ChargeDeps } from '../../lib/charges/deps.js';
import { ChainRegistry } from '../../lib/chains/registry.js';

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
