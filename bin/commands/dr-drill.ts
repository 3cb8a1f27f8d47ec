import { SQSClient } from '@aws-sdk/client-sqs';
import { readRegistry, verifyAuditLog } from '#audit';
import { checkLedgerInvariants } from '#ledger';
import { StackError } from '../../scripts/stack/errors.js';
import { stageAuditDeps } from '../audit-deps.js';
import { defineCommand } from '../command.js';
import { deleteCopy, restoreCopy } from '../dr/restore.js';
import { createDrillQueues, deleteDrillQueues, replayRestored, type ReplayReport } from '../dr/replay.js';
import { recoveryTableName, startRecoveryStack, tableExists, type RecoveryStack } from '../dr/recovery-stack.js';
import { replayThroughStack } from '../dr/stack-replay.js';
import { awsClientConfig, durationOption, json, readLocalStack, stageDeps, timeOption } from '../stage.js';

export interface DrillReport {
  ok: boolean;
  source_table: string;
  restored_table: string;
  restore_method: string;
  restore_point: string;
  /** Seconds of writes before the drill started that the copy lacks: the RPO this restore achieved. */
  rpo_seconds: number;
  /** Seconds from the start of the restore until the copy was checked and its outbox replayed: the RTO measured. */
  rto_seconds: number;
  restore_seconds: number;
  ledger: { ok: boolean; accounts: number; debits_posted: string; credits_posted: string; violations: string[] };
  audit: { ok: boolean; merchants: number; records_checked: number; broken: { merchant_id: string; detail: string }[] };
  replay: ReplayReport;
  kept: boolean;
}

export default defineCommand({
  name: 'dr drill',
  description: 'Restores the table into a new one as of a point in time, checks the ledger and the audit log on the copy, points a second stack at it (local) to replay its outbox to the webhook endpoints, and reports the RTO and RPO measured',
  options: {
    at: { type: 'string', placeholder: 'time', description: 'the restore point, ISO time (AWS stages; default: the latest restorable time)' },
    lookback: { type: 'string', default: '1h', placeholder: 'duration', description: 'how far before the restore point deliveries may still be in flight' },
    'deadline-seconds': { type: 'string', default: '120', placeholder: 's', description: 'how long the replay may deliver' },
    keep: { type: 'boolean', default: false, description: 'keeps the restored table (and on AWS the drill\'s queues; default: deleted at the end)' },
  },
  async run({ stage, values, print }) {
    const startedMs = Date.now();
    const lookbackMs = durationOption(values.lookback, 'lookback');
    const deadlineSeconds = Number(values['deadline-seconds']);
    if (!Number.isInteger(deadlineSeconds) || deadlineSeconds < 1) throw new StackError(`--deadline-seconds ${JSON.stringify(values['deadline-seconds'])} must be a whole number of seconds ≥ 1.`);
    const base = stageDeps(stage);
    const audit = stageAuditDeps(stage);
    const sqs = new SQSClient(awsClientConfig(stage, 'sqs'));
    const local = stage === 'local';
    const recovery = local ? await recoveryTableName(readLocalStack()) : undefined;
    const suffix = new Date(startedMs).toISOString().replace(/[-:T.Z]/g, '').slice(0, 14);
    // Locally the copy is the recovery stage's own table (a second stack runs on it); on AWS a new table beside the source.
    const copyName = recovery?.tableName ?? `${base.tableName}-drill-${suffix}`;
    if (recovery && await tableExists(readLocalStack(), copyName)) {
      process.stderr.write(`A previous drill left ${copyName} behind: deleting it before the restore.\n`);
      await deleteCopy(base.dynamodb, copyName);
    }
    const restored = await restoreCopy(base.dynamodb, stage, base.tableName, copyName, values.at ? new Date(timeOption(values.at, 'at')) : undefined);
    const restoreSeconds = (Date.now() - startedMs) / 1000;
    const queues = recovery ? undefined : await createDrillQueues(sqs, `lanepay-drill-${suffix}`);
    let recoveryStack: RecoveryStack | undefined;
    try {
      const copy = { dynamodb: base.dynamodb, tableName: restored.tableName };
      const ledger = await checkLedgerInvariants(copy);
      const merchants = [...new Set((await readRegistry(copy)).map((lane) => lane.merchantId))];
      const auditResults = [];
      for (const merchantId of merchants) auditResults.push(await verifyAuditLog({ ...audit, tableName: restored.tableName }, { merchantId }));
      const replayContext = {
        dynamodb: base.dynamodb, sqs, kms: base.kms, stage: base.stage, tableName: restored.tableName, dataKeyId: base.dataKeyId,
        restorePoint: restored.restorePoint, lookbackMs, deadline: Date.now() + deadlineSeconds * 1000,
      };
      let replay: ReplayReport;
      if (recovery) {
        recoveryStack = await startRecoveryStack(readLocalStack(), recovery.resources, restored.tableName);
        replay = await replayThroughStack({ ...replayContext, deadline: Date.now() + deadlineSeconds * 1000 }, recoveryStack);
      } else {
        replay = await replayRestored(replayContext, queues!);
      }
      const broken = auditResults.filter((r) => !r.ok).map((r) => ({ merchant_id: r.merchant_id, detail: r.broken?.detail ?? 'does not verify' }));
      const report: DrillReport = {
        ok: ledger.violations.length === 0 && broken.length === 0 && replay.deliveriesLeft === 0,
        source_table: base.tableName,
        restored_table: restored.tableName,
        restore_method: restored.method,
        restore_point: restored.restorePoint.toISOString(),
        rpo_seconds: Math.max(0, (startedMs - restored.restorePoint.getTime()) / 1000),
        rto_seconds: (Date.now() - startedMs) / 1000,
        restore_seconds: restoreSeconds,
        ledger: { ok: ledger.violations.length === 0, accounts: ledger.accounts, debits_posted: String(ledger.debitsPosted), credits_posted: String(ledger.creditsPosted), violations: ledger.violations },
        audit: { ok: broken.length === 0, merchants: merchants.length, records_checked: auditResults.reduce((n, r) => n + r.records_checked, 0), broken },
        replay,
        kept: values.keep,
      };
      print(json(report));
      return report.ok ? 0 : 1;
    } finally {
      if (recoveryStack) await recoveryStack.stop({ dropTable: false });
      if (!values.keep) {
        if (queues) await deleteDrillQueues(sqs, queues);
        await deleteCopy(base.dynamodb, restored.tableName);
      }
      sqs.destroy();
      audit.close();
      base.kms.destroy();
    }
  },
});
