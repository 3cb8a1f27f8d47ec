import { signingPublicKey } from '#audit';
import { stageAuditDeps } from '../audit-deps.js';
import { defineCommand } from '../command.js';
import { json, userError } from '../stage.js';

export default defineCommand({
  name: 'audit public-key',
  description: 'Prints the audit signing key\'s public key (PEM): what a third party checks period digests and statements with, without AWS (docs/statements.md)',
  options: { json: { type: 'boolean', default: false, description: 'print JSON: the PEM and the anchoring wallet\'s address (anchors of periods are sent from it)' } },
  async run({ stage, values, print }) {
    const deps = stageAuditDeps(stage);
    try {
      const pem = (await signingPublicKey(deps.kms, deps.signingKeyId)).export({ type: 'spki', format: 'pem' }).toString();
      print(values.json ? json({ public_key_pem: pem, anchor_address: await deps.anchorer.address() }) : pem.trimEnd());
      return 0;
    } catch (error) {
      throw userError(error);
    } finally {
      deps.close();
    }
  },
});
