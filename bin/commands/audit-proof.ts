import { inclusionProof } from '#audit';
import { stageAuditDeps } from '../audit-deps.js';
import { defineCommand } from '../command.js';
import { json, requiredOption, userError } from '../stage.js';

export default defineCommand({
  name: 'audit proof',
  description: 'Prints an inclusion proof (JSON) of one audit record in its signed, anchored period root, checkable without the table (docs/audit.md)',
  options: { record: { type: 'string', placeholder: 'mer_...:lane:seq', description: 'the record as `audit verify` names it: merchant id, lane, sequence number in the lane (required)' } },
  async run({ stage, values, print }) {
    const recordId = requiredOption(values.record, 'record', 'mer_01j...:3:42');
    const deps = stageAuditDeps(stage);
    try {
      print(json(await inclusionProof(deps, recordId)));
      return 0;
    } catch (error) {
      throw userError(error);
    } finally {
      deps.close();
    }
  },
});
