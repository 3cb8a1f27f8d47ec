import { ChainRegistry } from '#chains';
import { platformDefaultRules } from '#compliance';
import type { PaymentDeps } from '#money';
import { dynamodbClient, loadConfig, paymentsConfigSchema } from '#platform';

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
