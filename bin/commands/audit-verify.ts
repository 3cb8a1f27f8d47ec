import { recordId, verifyAuditLog } from '#audit';
import { stageAuditDeps } from '../audit-deps.js';
import { defineCommand } from '../command.js';
import { json, requiredOption, timeOption, userError } from '../stage.js';

function isoTime(value: string | undefined, flag: string): string | undefined {
  return value === undefined ? undefined : new Date(timeOption(value, flag)).toISOString();
}

export default defineCommand({
  name: 'audit verify',
  description: "Recomputes a merchant's audit hash chains (its lanes) and period roots, checks the KMS signatures and on-chain anchors; exits 1 naming the first record that was tampered with",
  options: {
    merchant: { type: 'string', placeholder: 'mer_...', description: 'the merchant (required)' },
    from: { type: 'string', placeholder: 'time', description: 'only periods closed at or after this ISO time' },
    to: { type: 'string', placeholder: 'time', description: 'only periods closed at or before this ISO time' },
  },
  async run({ stage, values, print }) {
    const merchantId = requiredOption(values.merchant, 'merchant', 'mer_01j...');
    const from = isoTime(values.from, 'from');
    const to = isoTime(values.to, 'to');
    const deps = stageAuditDeps(stage);
    try {
      const report = await verifyAuditLog(deps, { merchantId, ...(from ? { from } : {}), ...(to ? { to } : {}) });
      print(json(report));
      if (report.broken) {
        const { broken } = report;
        const what = broken.kind === 'period'
          ? `period ${broken.period_id} does not hold`
          : broken.kind === 'registry' ? `lane ${merchantId}:${broken.lane}'s registry entry does not hold` : `record ${recordId(merchantId, broken.lane, broken.seq ?? broken.sk)} was ${broken.kind}`;
        console.error(`Audit log of ${merchantId} does not verify: ${what}: ${broken.detail}.`);
        return 1;
      }
      if (report.anchors_pending.length > 0) console.error(`Verified; anchors not yet on chain for ${report.anchors_pending.length} period(s): ${report.anchors_pending.join(', ')}.`);
      return 0;
    } catch (error) {
      throw userError(error);
    } finally {
      deps.close();
    }
  },
});
