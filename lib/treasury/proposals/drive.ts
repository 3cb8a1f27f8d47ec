import type { KMSClient } from '@aws-sdk/client-kms';
import { treasuryApprovalState } from '#merchants';
import { TransferStepRefusedError } from '../transfers/errors.js';
import { advanceTransfer, signAsOwner, type AdvanceOutcome, type TransferExecutorDeps } from '../transfers/executor.js';
import type { TreasuryTransfer } from '../transfers/items.js';
import { markMoveRequested, readOpenTransfers, readTransfer, recordAttestationOverdue, recordFailure } from '../transfers/steps.js';
import { moveMismatch } from '../moves/verify.js';

export type TreasurySignal =
  | { kind: 'owner_signed'; transfer: string; owner: number }
  | { kind: 'transfer_outcome'; transfer: string; outcome: AdvanceOutcome }
  | { kind: 'attestation_overdue'; transfer: string; waitedMs: number }
  | { kind: 'drive_failed'; transfer: string; error: string };

export interface TreasuryWorkerDeps extends TransferExecutorDeps {
  /** The KMS client that signs as owner `index` (on AWS, with that owner's role assumed: only it may use the owner's key). */
  ownerKms(index: number): KMSClient;
  /**
   * Asks chain-submit to sign and send an approved move out of a hot wallet: a message on its FIFO
   * queue in the wallet's message group (as sweeps), so its nonces are taken in line with payouts.
   * Sent again while the transfer waits for it: chain-submit signs once and re-broadcasts after.
   */
  requestMove(transfer: TreasuryTransfer): Promise<void>;
  signal(signal: TreasurySignal): void;
}

/** Where a drive left the transfer: a step that waits on people or on a chain, or its end. */
export type DriveOutcome = AdvanceOutcome | 'awaiting_approval' | 'not_found' | 'drive_failed';

/**
 * Takes one treasury transfer as far as it can go now, from its records alone (so any event, the
 * schedule or a retry may call it, as often as it likes): while proposed, each owner whose member's
 * approval counts signs the SafeTx that approval named; a refused or expired approval fails it; once
 * approved, it executes with the signatures; after that, it follows the chain (burn, attestation,
 * mint) until it waits on something or ends, within `deadline`.
 */
export async function driveTransfer(deps: TreasuryWorkerDeps, transferId: string, deadline: number): Promise<DriveOutcome> {
  let transfer: TreasuryTransfer;
  try {
    transfer = await readTransfer(deps, transferId);
  } catch (error) {
    if ((error as { code?: string }).code === 'not_found') return 'not_found';
    throw error;
  }
  if (transfer.from.account === 'hot_wallet') {
    if (transfer.status === 'proposed') {
      const waiting = await collectVotes(deps, transfer);
      if (waiting) return waiting;
      transfer = await readTransfer(deps, transferId);
    }
    // Approved and not yet signed by chain-submit (its message lost, or not yet taken): asked again.
    if (transfer.status === 'executing' && !transfer.execTxHash) {
      await deps.requestMove(transfer);
      deps.signal({ kind: 'transfer_outcome', transfer: transferId, outcome: 'executing' });
      return 'executing';
    }
  } else if (transfer.status === 'proposed') {
    const waiting = await collectSignatures(deps, transfer);
    if (waiting) return waiting;
  }
  for (;;) {
    const outcome = await advanceTransfer(deps, transferId).catch(refusedAsMoved);
    if (outcome === 'moved') continue;
    if (outcome === 'attestation_overdue') await reportOverdue(deps, transferId);
    if (!['executing', 'minting', 'awaiting_attestation'].includes(outcome) || Date.now() >= deadline) {
      deps.signal({ kind: 'transfer_outcome', transfer: transferId, outcome });
      return outcome;
    }
    // A transaction sent and not yet mined, or a burn not yet attested: what the next step needs.
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Another worker took the step first: read again and go on from where it left the transfer. */
function refusedAsMoved(error: unknown): 'moved' {
  if (error instanceof TransferStepRefusedError) return 'moved';
  throw error;
}

/**
 * The votes on a proposed transfer's approval request, or `failed` once the request was refused or
 * expired (the transfer is failed with it, freeing what it held).
 */
async function openApproval(deps: TreasuryWorkerDeps, transfer: TreasuryTransfer) {
  if (!transfer.approvalId) throw new Error(`${transfer.id} was proposed without an approval: it never executes`);
  const approval = await treasuryApprovalState(deps, deps.platformMerchantId, transfer.approvalId);
  if (approval.transferId !== transfer.id) throw new Error(`approval ${approval.approvalId} is for ${approval.transferId}, not ${transfer.id}`);
  if (approval.status !== 'rejected' && approval.status !== 'expired') return approval;
  await recordFailure(deps, transfer, 'proposed', `approval ${approval.approvalId} ${approval.status}`).catch(refusedAsMoved);
  return 'failed' as const;
}

/**
 * Adds the signature of every owner whose approval counts and who has not signed, and fails the
 * transfer if its approval was refused or expired. Approved means as many counted votes as the
 * request and the policy ask (and the Safe's threshold): the request item's status is not trusted
 * for it. Undefined once approved (ready to execute).
 */
async function collectSignatures(deps: TreasuryWorkerDeps, transfer: TreasuryTransfer): Promise<DriveOutcome | undefined> {
  const approval = await openApproval(deps, transfer);
  if (approval === 'failed') return 'failed';
  // Until the votes reach what the request needs, at most threshold − 1 owners sign: signatures are
  // readable in the table, and a full set executes on chain for whoever sends it.
  const approved = approval.signers.length >= Math.max(approval.required, transfer.threshold);
  let signed = Object.keys(transfer.signatures).length;
  for (const { owner, memberId } of approval.signers) {
    if (transfer.signatures[String(owner)]) continue;
    if (!approved && signed >= transfer.threshold - 1) break;
    if (!approval.safeTxHash) throw new Error(`approval ${approval.approvalId} binds no SafeTx: ${transfer.id} is not signed by owners`);
    await signAsOwner({ ...deps, kms: deps.ownerKms(owner) }, transfer.id, owner, memberId, approval.safeTxHash).catch(refusedAsMoved);
    signed += 1;
    deps.signal({ kind: 'owner_signed', transfer: transfer.id, owner });
  }
  return approved ? undefined : 'awaiting_approval';
}

/**
 * A move out of a hot wallet, while proposed: failed if its approval was refused or expired; once
 * the counted votes reach what the request and the policy ask (and the source chain's Safe
 * threshold, the same owners' rule as a Safe transfer), checked against the move it holds and
 * handed to chain-submit. Nothing is signed here. A transfer whose move no longer hashes to what
 * the approval holds (rewritten after its approval) is failed, never sent. Undefined once handed over.
 */
async function collectVotes(deps: TreasuryWorkerDeps, transfer: TreasuryTransfer): Promise<DriveOutcome | undefined> {
  const approval = await openApproval(deps, transfer);
  if (approval === 'failed') return 'failed';
  if (approval.signers.length < Math.max(approval.required, transfer.threshold)) return 'awaiting_approval';
  const mismatch = moveMismatch(transfer, approval.moveHash);
  if (mismatch) {
    await recordFailure(deps, transfer, 'proposed', mismatch).catch(refusedAsMoved);
    return 'failed';
  }
  await markMoveRequested(deps, transfer, approval.signers.map((s) => s.memberId)).catch(refusedAsMoved);
  return undefined;
}

async function reportOverdue(deps: TreasuryWorkerDeps, transferId: string): Promise<void> {
  const transfer = await readTransfer(deps, transferId);
  const waitedMs = deps.now().getTime() - Date.parse(transfer.burnedAt ?? transfer.updatedAt);
  // Every run while it is overdue feeds the alarm; the event goes out once.
  deps.signal({ kind: 'attestation_overdue', transfer: transferId, waitedMs });
  await recordAttestationOverdue(deps, transfer, waitedMs);
}

/**
 * The scheduled pass: every open transfer, least recently moved first, at most `limit` of them (the
 * rest wait for the next run, which starts where they are). Work per run is bounded by `limit`
 * and the deadline, never by how many transfers were ever made.
 */
export async function driveOpenTransfers(deps: TreasuryWorkerDeps, options: { limit: number; deadline: number }): Promise<Record<string, DriveOutcome>> {
  const outcomes: Record<string, DriveOutcome> = {};
  for (const transfer of await readOpenTransfers(deps, options.limit)) {
    if (Date.now() >= options.deadline) break;
    // One transfer that cannot go on (its approval unreadable, a node down) does not hold up the others.
    outcomes[transfer.id] = await driveTransfer(deps, transfer.id, options.deadline).catch((error: unknown) => {
      deps.signal({ kind: 'drive_failed', transfer: transfer.id, error: error instanceof Error ? error.message : String(error) });
      return 'drive_failed' as const;
    });
  }
  return outcomes;
}
