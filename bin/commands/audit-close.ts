import { closePeriod } from '../../lib/audit/period.js';
import { stageAuditDeps } from '../audit-deps.js';
import { defineCommand } from '../command.js';
import { json, userError } from '../stage.js';

export default defineCommand({
  name: 'audit close',
  description: 'Closes an audit period now, as the hourly audit-anchor schedule does (no S3 archive from the CLI)',
  options: {},
  async run({ stage, print }) {
    const deps = stageAuditDeps(stage);
    try {
      const result = await closePeriod(deps);
      print(json({ period: result.period ?? null, merchants: result.merchants, lanes: result.lanes, records: result.records, skipped: result.skipped, reanchored: result.reanchored ?? null }));
      return result.skipped.length > 0 ? 1 : 0;
    } catch (error) {
      throw userError(error);
    } finally {
      deps.close();
    }
  },
});
