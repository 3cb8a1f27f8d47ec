import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Approval } from '#merchants';
import type { TreasuryTransfer } from '../transfers/items.js';
import { readOpenTransfers } from '../transfers/steps.js';
import type { TreasuryProposal } from './schema.js';

/** Open transfers read for one listing: at most one per Safe is proposed at a time, so a few per chain. */
const openRead = 100;

/**
 * Transfers not yet succeeded or failed (the open-transfer index, lib/treasury/transfers/items.ts),
 * newest first, at most `limit` (and whether more are open).
 */
export async function openTransfers(deps: { dynamodb: DynamoDBClient; tableName: string }, limit: number): Promise<{ data: TreasuryTransfer[]; hasMore: boolean }> {
  const open = (await readOpenTransfers(deps, openRead)).sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
  return { data: open.slice(0, limit), hasMore: open.length > limit };
}

/** A transfer as the status shows it, with its approval request when one was found. */
export function proposalView(transfer: TreasuryTransfer, approval: Approval | undefined): TreasuryProposal {
  const signed = Object.entries(transfer.signatures)
    .map(([owner, signature]) => ({ owner: Number(owner), member: signature.memberId, signed_at: signature.signedAt }))
    .sort((a, b) => a.owner - b.owner);
  return {
    object: 'treasury_transfer',
    id: transfer.id, status: transfer.status, route: transfer.route, asset: transfer.asset, amount: transfer.amount,
    from: transfer.from, to: transfer.to, reason: transfer.reason, safe_tx_hash: transfer.safeTx?.hash ?? null, move_hash: transfer.move?.hash ?? null,
    signatures: signed.length, threshold: transfer.threshold, signed_by: signed,
    approval: approval ? {
      id: approval.id, status: approval.status, approvals: approval.approvals.length,
      approvals_required: approval.approvals_required, expires_at: approval.expires_at,
    } : null,
    created_at: transfer.createdAt, updated_at: transfer.updatedAt,
  };
}
