import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { systemActor, writeAudited, type AuditedTransaction } from '#audit';
import { ledgerPostings } from '#ledger';
import { dueItems } from '#platform';
import { outcomeItems } from './apply.js';
import type { ApprovalDeps } from './deps.js';
import { ChangeMismatchError } from './errors.js';
import { approvalFromItem, pendingApprovalsPartition, replaceApprovalItem, type ApprovalRecord } from './items.js';

/**
 * Expires every pending request whose time is up, as the hold-expiry sweep does for holds
 * (lib/money/payments/settle.ts expireDueHolds): each expiry is its own conditional transaction (the
 * request, and for a payout the payment, its event and the released hold), so an approval racing
 * the sweep wins or loses cleanly. Returns how many expired, and the ids of requests whose stored
 * change no longer matches its hash (lib/merchants/approvals/change-hash.ts): those are not expired, since
 * releasing what an altered change names could release another payment.
 */
export async function expireDueApprovals(deps: ApprovalDeps, limit = 500): Promise<{ expired: number; skipped: number; altered: string[] }> {
  const now = deps.now();
  let expired = 0;
  let skipped = 0;
  const altered: string[] = [];
  for await (const item of dueItems(deps, [pendingApprovalsPartition], now, limit)) {
    const record = approvalFromItem(item);
    if (record.approval.status !== 'pending' || record.approval.expires_at > now.toISOString()) {
      skipped += 1;
      continue;
    }
    try {
      await writeAudited(deps, await expiryTransaction(deps, record, now));
      expired += 1;
    } catch (error) {
      // An altered request releases nothing it names: left pending for people to look at, and counted.
      if (error instanceof ChangeMismatchError) {
        altered.push(record.approval.id);
        continue;
      }
      if (!(error instanceof TransactionCanceledException)) throw error;
      skipped += 1; // decided meanwhile
    }
  }
  return { expired, skipped, altered };
}

/** The transaction of `approval.expire`: the request, a held payout released, and the audit record naming it. */
async function expiryTransaction(deps: ApprovalDeps, record: ApprovalRecord, now: Date): Promise<AuditedTransaction> {
  const next: ApprovalRecord = { ...record, version: record.version + 1, approval: { ...record.approval, status: 'expired', decided_at: now.toISOString() } };
  const applied = await outcomeItems(deps, record, 'expired', now);
  return {
    items: [replaceApprovalItem(deps.tableName, next, record.version), ...applied.items],
    state: ledgerPostings,
    audit: { merchantId: record.merchantId, actor: systemActor, action: applied.action, object: applied.object, at: now, ...(applied.movements ? { movements: applied.movements } : {}) },
  };
}
