import { closePeriod, type CloseResult } from '#audit';
import { stageAuditDeps } from '../audit-deps.js';
import { defineCommand } from '../command.js';
import { json, userError } from '../stage.js';

export default defineCommand({
  name: 'audit close',
  description: 'Closes an audit period now (carrying on first one the schedule left open), as the audit-anchor schedule does; no S3 archive from the CLI',
  options: {},
  async run({ stage, print }) {
    const deps = stageAuditDeps(stage);
    try {
      // Without a deadline a call runs to the end of its period; one left open by the schedule is finished first.
      let result: CloseResult = await closePeriod(deps);
      const carried = result.resumed ? result : undefined;
      if (carried) result = await closePeriod(deps);
      const skipped = [...(carried?.skipped ?? []), ...result.skipped];
      print(json({
        period: result.period ?? null, carried_on: carried?.periodId ?? null, merchants: result.merchants, lanes: result.lanes, records: result.records,
        skipped, reanchored: result.reanchored ?? null, superseded: result.superseded ?? false,
      }));
      return skipped.length > 0 ? 1 : 0;
    } catch (error) {
      throw userError(error);
    } finally {
      deps.close();
    }
  },
});
