import { processingIndexPartitions, recordFromItem } from '../payments/items.js';
import type { Payment } from '../payments/schemas.js';
import { scheduleCheck } from '../payouts/schedule-check.js';
import { park, readPayout } from '../payouts/submit.js';
import type { ReconcileDeps, ReconcileOptions } from './deps.js';
import type { DiscrepancyKind, Finding, RedriveKind } from './findings.js';
import { keysBefore, readByKey } from './index-keys.js';
import { claimRedrive, readRedrive } from './items.js';

export type PaymentVerdict =
  | { action: 'redrive'; finding: Finding<RedriveKind>; redrive: () => Promise<void> }
  | { action: 'raise'; finding: Finding<DiscrepancyKind> }
  | { action: 'wait' };

/**
 * Every payment in `processing` created before the age limit (sparse gsi2 PROCESSING#<shard>), with
 * what to do about it. A payout gets one re-drive; still in flight a period later, it is raised.
 */
export async function* stuckPayments(deps: ReconcileDeps, options: ReconcileOptions): AsyncGenerator<PaymentVerdict> {
  const before = new Date(deps.now().getTime() - options.olderThanMs);
  for (const partition of processingIndexPartitions()) {
    for await (const key of keysBefore(deps, partition, before)) {
      const item = await readByKey(deps, key);
      if (!item) continue;
      const record = recordFromItem(item);
      if (record.payment.status !== 'processing') continue; // finished since the index was read
      yield await verdict(deps, options, record.payment);
    }
  }
}

async function verdict(deps: ReconcileDeps, options: ReconcileOptions, payment: Payment): Promise<PaymentVerdict> {
  const subject = payment.id;
  const chain = payment.chain;
  const payout = await readPayout(deps, payment.id);
  // A string: the payout status set grows (`stuck`, set by chain-check on nonce trouble).
  const status: string | undefined = payout?.status;
  if (status === 'stuck') return { action: 'raise', finding: { kind: 'payout_stuck', subject, chain, detail: `payout on nonce ${payout?.nonce ?? '?'} is stuck` } };
  if (status === 'succeeded' || status === 'failed') {
    return { action: 'raise', finding: { kind: 'payout_final_payment_processing', subject, chain, detail: `payout ${status}, payment processing` } };
  }
  const redrivenAtMs = await readRedrive(deps, payment.id);
  if (redrivenAtMs !== undefined) {
    if (deps.now().getTime() - redrivenAtMs < options.olderThanMs) return { action: 'wait' };
    return { action: 'raise', finding: { kind: 'payout_not_progressing', subject, chain, detail: `payout ${status ?? 'missing'} since a re-drive at ${new Date(redrivenAtMs).toISOString()}` } };
  }
  if (!payout) {
    return {
      action: 'redrive',
      finding: { kind: 'payout_missing', subject, chain, detail: `processing since ${payment.created_at} without a payout` },
      // Parked as if the chain had been unavailable: chain-check then submits it like chain-submit would.
      redrive: async () => { if (await claimRedrive(deps, payment.id)) await park(deps, payment, 'waiting_chain'); },
    };
  }
  return {
    action: 'redrive',
    finding: { kind: 'payout_unchecked', subject, chain, detail: `payout ${payout.status}${payout.nonce !== undefined ? ` on nonce ${payout.nonce}` : ''} since ${new Date(payout.createdAtMs).toISOString()}` },
    redrive: async () => { if (await claimRedrive(deps, payment.id)) await scheduleCheck(deps, payment.id, 0); },
  };
}
