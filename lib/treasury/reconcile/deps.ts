import type { PayoutDeps } from '#money';
import type { RelayDeps } from '#notify';

/**
 * What the reconciler needs: the payout deps (to read payouts, park them and enqueue checks through
 * lib/money/payouts' own functions, and to ask the chains for receipts; it never signs) and the relay's
 * queues (to relay an event again through lib/notify/outbox).
 */
export type ReconcileDeps = PayoutDeps & Pick<RelayDeps, 'notifyQueueUrl' | 'chainSubmitQueueUrl' | 'flowTotalsQueueUrl' | 'reportsQueueUrl'>;

export interface ReconcileOptions {
  /** Payments and events younger than this are still on their normal path and are left alone. */
  olderThanMs: number;
  /** Looks and reports only: nothing is re-driven, raised or recorded. */
  dryRun: boolean;
}
