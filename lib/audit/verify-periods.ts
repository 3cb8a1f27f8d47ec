import type { AuditReader, AuditTrust } from './audit-reader.js';
import { anchorCalldata, type StoredLeaf, type StoredPeriod } from './digests.js';
import { leafHash, merkleRoot } from './merkle.js';

/** A period that does not hold: its signature, its place in the chain of periods, its leaves or its anchor. */
export interface PeriodBreak {
  kind: 'period';
  period_id: string;
  lane: number | null;
  seq: number | null;
  detail: string;
}

export function periodBreak(periodId: string, detail: string, lane: number | null = null, seq: number | null = null): PeriodBreak {
  return { kind: 'period', period_id: periodId, lane, seq, detail };
}

/**
 * The chain of periods is whole: each names the one before it (id and root) and `#HEAD` names the
 * last. A period removed from the middle, or the latest one removed with the head moved back to the
 * one before, shows here (the latter only if the head was not moved too: see docs/audit.md).
 */
export function checkPeriodChain(periods: StoredPeriod[], headId: string | undefined): PeriodBreak | undefined {
  let previous: StoredPeriod | undefined;
  for (const period of periods) {
    const { digest } = period;
    if (digest.previous_period_id !== (previous?.digest.period_id ?? null) || digest.previous_root !== (previous?.digest.root ?? null)) {
      return periodBreak(digest.period_id ?? '?', `period ${digest.period_id} names ${digest.previous_period_id ?? 'no period'} before it, but the stored period before it is ${previous?.digest.period_id ?? 'none'}: a period was removed or inserted`);
    }
    previous = period;
  }
  if (previous && headId !== previous.digest.period_id) {
    return periodBreak(previous.digest.period_id, `the period chain's head names ${headId ?? 'nothing'}, the latest stored period is ${previous.digest.period_id}`);
  }
  if (!previous && headId) return periodBreak(headId, `the period chain's head names ${headId}, which is not stored`);
  return undefined;
}

/**
 * The period's signature holds, and it is complete: its stored leaves, one per index from 0, give
 * the signed root and size. Returns its leaves, or what does not hold.
 */
export async function checkSignedPeriod(reader: AuditReader, trust: AuditTrust, period: StoredPeriod): Promise<{ leaves: StoredLeaf[] } | PeriodBreak> {
  const id = period.digest.period_id;
  let holds = false;
  try {
    holds = await trust.signatureHolds(period);
  } catch (error) {
    return periodBreak(id, `the signing key ${period.signingKeyId || '(none named)'} of period ${id} cannot be read: ${(error as Error).message}`);
  }
  if (!holds) return periodBreak(id, `the signature of period ${id} does not hold`);
  const leaves = await reader.periodLeaves(id);
  const misplaced = leaves.findIndex((leaf, i) => leaf.index !== i);
  if (misplaced >= 0) return periodBreak(id, `period ${id}'s leaf ${leaves[misplaced]!.sk} is out of place (expected index ${misplaced})`);
  const root = merkleRoot(leaves.map((leaf) => leafHash(Buffer.from(leaf.text, 'utf8')))).toString('hex');
  if (leaves.length !== period.digest.size || root !== period.digest.root) {
    return periodBreak(id, `period ${id}'s ${leaves.length} stored leaves do not give its signed root over ${period.digest.size} lanes: a lane's part was changed, added or removed`);
  }
  return { leaves };
}

/** The anchor: mined, carrying the root, sent by the anchoring wallet. `pending` when not sent or not mined yet. */
export async function checkAnchor(trust: AuditTrust, period: StoredPeriod): Promise<'anchored' | 'pending' | PeriodBreak> {
  if (!period.anchor || !trust.anchorer) return 'pending';
  const id = period.digest.period_id;
  const onChain = await trust.anchorer.find(period.anchor);
  if (!onChain || onChain.blockNumber === null) return 'pending';
  if (onChain.data.toLowerCase() !== anchorCalldata(period.digest.root)) return periodBreak(id, `anchor ${period.anchor.tx_hash} carries another root`);
  if (onChain.from !== (await trust.anchorer.address())) return periodBreak(id, `anchor ${period.anchor.tx_hash} was not sent by the anchoring wallet`);
  return 'anchored';
}
