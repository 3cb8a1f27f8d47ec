import { dynamodbClient } from '../../lib/aws/clients/dynamodb.js';
import { loadConfig, paymentsConfigSchema } from '../../lib/aws/config.js';
import { ChainRegistry } from '../../lib/chains/registry.js';
import { platformDefaultRules } from '../../lib/risk/rules.js';
import type { PaymentDeps } from '../../lib/payments/deps.js';

let deps: PaymentDeps | undefined;

/** Payment dependencies built once per container from the validated environment. */
export function paymentDeps(): PaymentDeps {
  if (deps) return deps;
  const config = loadConfig(paymentsConfigSchema);
  deps = {
    dynamodb: dynamodbClient(),
    tableName: config.TABLE_NAME,
    chains: ChainRegistry.parse(config.CHAIN_REGISTRY),
    riskDefaults: platformDefaultRules,
    holdExpiryMs: config.HOLD_EXPIRY_SECONDS * 1000,
    now: () => new Date(),
  };
  return deps;
}
