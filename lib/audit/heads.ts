import { genesisHash } from './record.js';
import type { ChainHead, LaneRef } from './items.js';

/**
 * The last head each lane had when this container last wrote or saw it, kept by the audit writer
 * (writer.ts). It saves the read of the head before every write: a stale entry only costs the
 * cancelled transaction that corrects it (the head's condition fails, DynamoDB returns the current
 * head, the writer rebuilds the record on it and sends again).
 */
const knownHeads = new Map<string, ChainHead>();

function headCacheKey(ref: LaneRef): string {
  return `${ref.tableName}\u0000${ref.merchantId}\u0000${ref.lane}`;
}

/** The head the next record of the lane extends, as far as this container knows; genesis when it knows none. */
export function knownHead(ref: LaneRef): ChainHead {
  return knownHeads.get(headCacheKey(ref)) ?? { seq: 0, hash: genesisHash };
}

/** A head this container just wrote: kept unless a later one is known already. */
export function rememberHead(ref: LaneRef, head: ChainHead): void {
  const key = headCacheKey(ref);
  const current = knownHeads.get(key);
  if (!current || current.seq < head.seq) knownHeads.set(key, head);
}

/** What DynamoDB just said the head is: replaces the cached one, even if older (a table restored or recreated). */
export function correctHead(ref: LaneRef, head: ChainHead): void {
  knownHeads.set(headCacheKey(ref), head);
}

/** Forgets every cached head (a cold container; tests that rewrite tables behind the writers' back). */
export function forgetHeads(): void {
  knownHeads.clear();
}
