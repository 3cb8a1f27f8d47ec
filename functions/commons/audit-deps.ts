import { dynamodbClient } from '../../lib/aws/clients/dynamodb.js';
import { kmsClient } from '../../lib/aws/clients/kms.js';
import { s3Client } from '../../lib/aws/clients/s3.js';
import { auditAnchorConfigSchema, loadConfig } from '../../lib/aws/config.js';
import type { AuditDeps } from '../../lib/audit/deps.js';
import { evmAnchorer } from '../../lib/audit/evm-anchor.js';
import { s3DigestArchive } from '../../lib/audit/s3-archive.js';
import { ChainRegistry } from '../../lib/chains/registry.js';

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
