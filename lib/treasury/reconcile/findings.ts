/**
 * What the reconciler can find. A re-drive repeats a step whose consumer is idempotent; a
 * discrepancy is raised (metric, alarm, `reconcile.discrepancy` platform event) for a human.
 */
export const redriveKinds = {
  /** A payment in processing with no payout record: chain-submit never took it. Parked as waiting_chain, checked. */
  payout_missing: 'parked and a check enqueued',
  /** A payout in flight whose check loop went quiet (a lost message). One check enqueued, once. */
  payout_unchecked: 'check enqueued',
  /** An outbox event whose relay never finished. Relayed again (consumers dedupe by event id). */
  event_not_relayed: 'relayed again',
} as const;

export const discrepancyKinds = {
  /** Re-driven once already and still in flight after another period. */
  payout_not_progressing: 'still in flight after a re-drive',
  /** The payout's nonce is in trouble (status stuck): fixing it may need a nonce fill by hand. */
  payout_stuck: 'payout is stuck on its nonce',
  /** The payout is final but the payment still processing: the two records disagree. */
  payout_final_payment_processing: 'payout final, payment still processing',
  /** The ledger booked the payout but no transaction of its nonce has a receipt on chain. */
  paid_without_receipt: 'succeeded in the ledger, no receipt on chain',
  /** The ledger booked the payout but what was mined reverted or was the nonce fill. */
  paid_but_reverted: 'succeeded in the ledger, reverted or not a payout on chain',
  /** The payment's tx_hash is not the transaction mined for its nonce. */
  tx_hash_mismatch: 'tx_hash differs from the mined transaction',
  /** The mined transfer moved another amount than the payment captured. */
  amount_mismatch: 'mined amount differs from the captured amount',
  /** The mined transfer paid another address than the payment's destination. */
  destination_mismatch: 'mined destination differs from the payment',
  /** The payment failed (and the merchant was refunded) but its transfer was mined. */
  failed_but_paid: 'failed in the ledger, paid on chain',
  /**
   * A treasury Safe holds another balance than `treasury:<chain>` says, with nothing in flight:
   * money paid in that was never booked (`lanepay treasury fund`), or a movement the ledger missed.
   */
  treasury_mismatch: "treasury Safe's balance differs from the ledger",
  /**
   * The chain's hot wallets together hold another balance than `hotwallet:<chain>` says, at a pinned
   * block, net of what mined by then and is not posted yet: money paid in that was never booked
   * (`lanepay treasury fund --into hot-wallet`), or money that left without Lanepay (a leaked key).
   */
  hot_wallet_mismatch: "hot wallets' balance differs from the ledger",
} as const;

export type RedriveKind = keyof typeof redriveKinds;
export type DiscrepancyKind = keyof typeof discrepancyKinds;

export interface Finding<K extends string = RedriveKind | DiscrepancyKind> {
  kind: K;
  /** The payment (pay_...) or event (evt_...) concerned; for a treasury, `treasury:<chain>:` and the difference; for hot wallets, `hotwallet:<chain>:` and it. */
  subject: string;
  chain?: string;
  detail: string;
}

export interface ReconcileReport {
  dryRun: boolean;
  olderThanSeconds: number;
  /**
   * `treasuries`: chains whose treasury Safe was compared with the ledger; `hotWallets`: hot wallets
   * (current and retired, over all chains) whose sum was compared with `hotwallet:<chain>` (skipped ones not counted).
   */
  checked: { processingPayments: number; unrelayedEvents: number; settledNonces: number; treasuries: number; hotWallets: number };
  /** Chains whose treasury or hot wallets were not compared this run, and why (money in flight): compared on a later run. */
  skipped: { chain: string; account: 'treasury' | 'hot_wallets'; reason: string }[];
  /** Re-driven (or, on a dry run, what would be). */
  redriven: Finding<RedriveKind>[];
  /** Needs a human; `newly` is false when the same discrepancy was raised by an earlier run. */
  raised: (Finding<DiscrepancyKind> & { newly: boolean })[];
  /** What could not be checked (a chain that did not answer), which also needs a look. */
  errors: { chain?: string; message: string }[];
}

/** The report is a call for a human when anything was raised or could not be checked. */
export function needsHuman(report: ReconcileReport): boolean {
  return report.raised.length > 0 || report.errors.length > 0;
}
