import { loadConfig, reconcileConfigSchema } from '#platform';
import type { ReconcileDeps } from '#treasury';
import { payoutDeps } from './payout-deps.js';

/** The reconciler's dependencies, once per container: the payout deps plus the relay's queues. */
export function reconcileDeps(): { deps: ReconcileDeps; olderThanMs: number } {
  const config = loadConfig(reconcileConfigSchema);
  return {
    deps: { ...payoutDeps(), notifyQueueUrl: config.NOTIFY_QUEUE_URL, chainSubmitQueueUrl: config.CHAIN_SUBMIT_QUEUE_URL, flowTotalsQueueUrl: config.FLOW_TOTALS_QUEUE_URL, reportsQueueUrl: config.REPORTS_QUEUE_URL },
    olderThanMs: config.RECONCILE_OLDER_THAN_SECONDS * 1000,
  };
}
