import type { RelayDeps } from '../outbox/relay.js';
import type { PayoutDeps } from '../payouts/deps.js';

/**
 * What the reconciler needs: the payout machinery (to read payouts, park them and enqueue checks,
 * and to ask the chains for receipts; it never signs) and the relay's queues (to relay an event
 * again). `signal` is unused by it but kept so the same deps serve the payout functions' helpers.
 */
export type ReconcileDeps = PayoutDeps & Pick<RelayDeps, 'notifyQueueUrl' | 'chainSubmitQueueUrl' | 'flowTotalsQueueUrl'>;

export interface ReconcileOptions {
  /** Payments and events younger than this are still on their normal path and are left alone. */
  olderThanMs: number;
  /** Looks and reports only: nothing is re-driven, raised or recorded. */
  dryRun: boolean;
}
