import { evmAnchorer, type AuditDeps } from '#audit';
import { StackError } from '../scripts/stack/errors.js';
import { readLocalStack, stageChainRegistry, stageDeps } from './stage.js';

/**
 * What the audit commands hand to lib/audit: the stage's table, the signing and anchoring keys
 * (names serverless.yml gives them, or the local stack's aliases) and the anchor chain (the
 * registry's first, or LANEPAY_AUDIT_ANCHOR_CHAIN as on deploy). No S3 archive: the CLI reads.
 */
export function stageAuditDeps(stageName: string): AuditDeps & { close(): void } {
  const base = stageDeps(stageName);
  let signingKeyId = `alias/lanepay-${base.stage}-audit-signing`;
  let anchorKeyId = `alias/lanepay-${base.stage}-audit-anchor`;
  if (base.stage === 'local') {
    const keys = readLocalStack().keys;
    if (!keys.AuditSigningKey || !keys.AuditAnchorKey) throw new StackError('The local stack publishes no audit keys (AuditSigningKey, AuditAnchorKey); restart it with `npm run dev`.');
    signingKeyId = keys.AuditSigningKey;
    anchorKeyId = keys.AuditAnchorKey;
  }
  const registry = stageChainRegistry(stageName);
  const named = process.env.LANEPAY_AUDIT_ANCHOR_CHAIN;
  const chain = named ? registry.get(named) : registry.chains[0];
  if (!chain) throw new StackError(`LANEPAY_AUDIT_ANCHOR_CHAIN names ${named}, which is not a chain of the registry (${registry.names().join(', ')}).`);
  return {
    dynamodb: base.dynamodb,
    kms: base.kms,
    tableName: base.tableName,
    signingKeyId,
    anchorer: evmAnchorer(base.kms, chain, anchorKeyId),
    now: () => new Date(),
    close() {
      this.anchorer.destroy();
      base.dynamodb.destroy();
      base.kms.destroy();
    },
  };
}
