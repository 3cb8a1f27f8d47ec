import fs from 'node:fs';
import { buildStatement } from '#money';
import { StackError } from '../../scripts/stack/errors.js';
import { stageAuditDeps } from '../audit-deps.js';
import { defineCommand } from '../command.js';
import { requiredOption, stageChainRegistry, timeOption, userError } from '../stage.js';

export default defineCommand({
  name: 'statement',
  description: 'Writes a merchant\'s signed statement for [from, to): a line per balance transaction with its audit record, inclusion proof and anchor (docs/statements.md)',
  options: {
    merchant: { type: 'string', placeholder: 'mer_...', description: 'the merchant (required)' },
    from: { type: 'string', placeholder: 'time', description: 'first instant covered, ISO 8601 (required)' },
    to: { type: 'string', placeholder: 'time', description: 'first instant not covered, ISO 8601 (required)' },
    out: { type: 'string', placeholder: 'file', description: 'where to write it (required), e.g. statement.csv' },
  },
  async run({ stage, values, print }) {
    const merchantId = requiredOption(values.merchant, 'merchant', 'mer_01j...');
    const fromMs = timeOption(requiredOption(values.from, 'from', '2026-12-01T00:00:00Z'), 'from');
    const toMs = timeOption(requiredOption(values.to, 'to', '2027-01-01T00:00:00Z'), 'to');
    const out = requiredOption(values.out, 'out', 'statement.csv');
    if (fromMs >= toMs) throw new StackError('--from must be before --to.');
    const deps = stageAuditDeps(stage);
    try {
      const text = await buildStatement({ ...deps, registry: stageChainRegistry(stage) }, { merchantId, fromMs, toMs });
      fs.writeFileSync(out, text);
      print(`${out}: ${text.split('\n').length - 8} line(s), signed`);
      return 0;
    } catch (error) {
      throw userError(error);
    } finally {
      deps.close();
    }
  },
});
