import { evmAnchorer, s3DigestArchive, type AuditDeps } from '#audit';
import { ChainRegistry } from '#chains';
import { auditAnchorConfigSchema, dynamodbClient, kmsClient, loadConfig, s3Client } from '#platform';

let deps: AuditDeps | undefined;

/** The period close's dependencies, once per container. */
export function auditDeps(): AuditDeps {
  if (deps) return deps;
  const config = loadConfig(auditAnchorConfigSchema);
  const registry = ChainRegistry.parse(config.CHAIN_REGISTRY);
  const chain = config.AUDIT_ANCHOR_CHAIN ? registry.get(config.AUDIT_ANCHOR_CHAIN) : registry.chains[0];
  if (!chain) throw new Error(`AUDIT_ANCHOR_CHAIN names ${config.AUDIT_ANCHOR_CHAIN}, which is not in CHAIN_REGISTRY (${registry.names().join(', ')})`);
  deps = {
    dynamodb: dynamodbClient(),
    kms: kmsClient(),
    tableName: config.TABLE_NAME,
    signingKeyId: config.AUDIT_SIGNING_KEY_ID,
    anchorer: evmAnchorer(kmsClient(), chain, config.AUDIT_ANCHOR_KEY_ID),
    ...(config.AUDIT_DIGEST_BUCKET ? { archive: s3DigestArchive(s3Client(), config.AUDIT_DIGEST_BUCKET) } : {}),
    now: () => new Date(),
  };
  return deps;
}
