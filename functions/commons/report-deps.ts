import { ChainRegistry } from '#chains';
import { dynamodbClient, glueClient, loadConfig, reportsApiConfigSchema, reportsConfigSchema, s3Client } from '#platform';
import { evmMinedTransferReader, gluePartitionRegistrar, type BuildDeps, type ReportDeps } from '#reports';

/** The reports API's dependencies, built once per container from the validated environment. */
export function reportApiDeps(): ReportDeps {
  const config = loadConfig(reportsApiConfigSchema);
  return { dynamodb: dynamodbClient(), tableName: config.TABLE_NAME, s3: s3Client(), bucket: config.REPORTS_BUCKET, now: () => new Date() };
}

/** The builder's: the API's, the chains it reconciles payouts with, and Glue where there is one. */
export function reportBuildDeps(): BuildDeps {
  const config = loadConfig(reportsConfigSchema);
  const chains = ChainRegistry.parse(config.CHAIN_REGISTRY);
  return {
    dynamodb: dynamodbClient(), tableName: config.TABLE_NAME, s3: s3Client(), bucket: config.REPORTS_BUCKET, now: () => new Date(),
    chains,
    readMined: evmMinedTransferReader(chains),
    ...(config.REPORTS_GLUE_DATABASE ? { registerPartition: gluePartitionRegistrar(glueClient(), config.REPORTS_GLUE_DATABASE) } : {}),
  };
}
