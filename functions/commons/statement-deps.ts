import { ChainRegistry } from '#chains';
import type { StatementDeps } from '#money';
import { dynamodbClient, kmsClient, loadConfig, statementsConfigSchema } from '#platform';

let deps: StatementDeps | undefined;

/** The statements function's dependencies, once per container. */
export function statementDeps(): StatementDeps {
  if (deps) return deps;
  const config = loadConfig(statementsConfigSchema);
  deps = {
    dynamodb: dynamodbClient(),
    kms: kmsClient(),
    tableName: config.TABLE_NAME,
    signingKeyId: config.AUDIT_SIGNING_KEY_ID,
    registry: ChainRegistry.parse(config.CHAIN_REGISTRY),
    now: () => new Date(),
  };
  return deps;
}
