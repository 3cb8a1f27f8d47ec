import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { EvmAdapter } from '#chains';
import { discrepancyKinds, needsHuman, reconcile, redriveKinds, type ReconcileDeps, type ReconcileReport } from '#treasury';
import { StackError } from '../../scripts/stack/errors.js';
import { defineCommand } from '../command.js';
import { awsClientConfig, durationOption, json, readLocalStack, stageChainRegistry, stageDeps } from '../stage.js';

export default defineCommand({
  name: 'reconcile',
  description: 'Finds stuck payouts, unrelayed events and ledger/chain disagreements; re-drives the safe ones, raises the rest',
  options: {
    'older-than': { type: 'string', default: '15m', placeholder: 'age', description: 'how old a processing payment or unrelayed event must be (90s, 15m, 2h, 1d)' },
    'dry-run': { type: 'boolean', default: false, description: 'reports only: re-drives, raises and records nothing' },
    json: { type: 'boolean', default: false, description: 'prints the report as JSON' },
  },
  async run({ stage, values, print }) {
    const olderThanMs = durationOption(values['older-than'], 'older-than');
    const chains = stageChainRegistry(stage);
    const base = stageDeps(stage);
    const sqs = new SQSClient(awsClientConfig(stage, 'sqs'));
    try {
      const adapters = new Map(chains.chains.map((chain) => [chain.name, new EvmAdapter(chain, base.kms)]));
      const deps: ReconcileDeps = {
        dynamodb: base.dynamodb, sqs, tableName: base.tableName, chains,
        adapter: (name) => adapters.get(name) ?? failNoAdapter(name),
        ...(await queueUrls(stage, sqs)),
        // A re-driven check runs at once; the reconciler never bumps fees itself.
        checkDelaySeconds: 0, stuckAfterMs: Number.MAX_SAFE_INTEGER,
        now: () => new Date(),
        signal: () => {},
      };
      const report = await reconcile(deps, { olderThanMs, dryRun: values['dry-run'] });
      print(values.json ? json(report) : describeReport(report));
      return needsHuman(report) ? 1 : 0;
    } finally {
      base.dynamodb.destroy();
      base.kms.destroy();
      sqs.destroy();
    }
  },
});

/** `15m` → ms. One regex for the four units the flag documents (`ms` would accept forms we do not promise). */
function failNoAdapter(name: string): never {
  throw new StackError(`Chain ${name} holds payouts but is not in the chain registry.`);
}

/** The stack's queues: from `.local/stack.json` locally, by their serverless.yml names elsewhere. */
async function queueUrls(stage: string, sqs: SQSClient) {
  const ids = { checkQueueUrl: ['ChainCheckQueue', 'chain-check'], notifyQueueUrl: ['NotifyQueue', 'notify'], chainSubmitQueueUrl: ['ChainSubmitQueue', 'chain-submit.fifo'], flowTotalsQueueUrl: ['FlowTotalsQueue', 'flow-totals'], reportsQueueUrl: ['ReportsQueue', 'reports'] } as const;
  const entries = await Promise.all(Object.entries(ids).map(async ([field, [logicalId, suffix]]) => {
    if (stage === 'local') {
      const url = readLocalStack().queues[logicalId]?.url;
      if (!url) throw new StackError(`The local stack publishes no ${logicalId}; restart it with \`npm run dev\`.`);
      return [field, url] as const;
    }
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: `lanepay-${stage}-${suffix}` }));
    return [field, QueueUrl!] as const;
  }));
  return Object.fromEntries(entries) as Record<keyof typeof ids, string>;
}

function describeReport(report: ReconcileReport): string {
  const lines = [
    `${report.dryRun ? 'Dry run: nothing changed. ' : ''}Looked at ${report.checked.processingPayments} payment(s) processing for over ${report.olderThanSeconds}s, ` +
      `${report.checked.unrelayedEvents} unrelayed event(s), ${report.checked.settledNonces} settled payout(s) against their chain, ` +
      `${report.checked.treasuries} treasury Safe(s) and ${report.checked.hotWallets} hot wallet(s) against the ledger.`,
  ];
  for (const s of report.skipped) lines.push(`${s.account === 'treasury' ? 'Treasury' : 'Hot wallets'} of ${s.chain} not compared this time: ${s.reason}.`);
  lines.push('', `${report.dryRun ? 'Would re-drive' : 'Re-driven'}: ${report.redriven.length}`);
  for (const f of report.redriven) lines.push(`  ${f.kind.padEnd(32)} ${f.subject}  ${redriveKinds[f.kind]}: ${f.detail}`);
  lines.push('', `Needs a human: ${report.raised.length + report.errors.length}`);
  for (const f of report.raised) lines.push(`  ${f.kind.padEnd(32)} ${f.subject}  ${discrepancyKinds[f.kind]}: ${f.detail}${f.newly ? ' (raised now)' : ''}`);
  for (const e of report.errors) lines.push(`  ${'not_checked'.padEnd(32)} ${e.chain ?? ''}  ${e.message}`);
  return lines.join('\n');
}
