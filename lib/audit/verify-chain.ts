import type { ChainHead } from './items.js';
import { genesisHash, seqFromSortKey, textHash, type StoredRecord } from './record.js';

export type TamperKind = 'changed' | 'removed' | 'inserted' | 'reordered';

/** The first record that is not what was written, and how it differs. */
export interface ChainBreak {
  kind: TamperKind;
  /** The sequence number of the record named (for an inserted item: the one its key claims, if any). */
  seq: number | null;
  sk: string;
  detail: string;
}

export interface ChainCheck {
  checked: number;
  lastHash: string;
  lastSeq: number;
  broken?: ChainBreak;
}

/**
 * Walks stored records in key order and names the first one that was changed, removed, inserted or
 * reordered. `start` is the record before the first one given (seq 0 and the genesis hash for a whole
 * chain); `head` is the chain head item, which exposes a removed or changed last record.
 */
export function verifyChain(records: StoredRecord[], start: ChainHead = { seq: 0, hash: genesisHash }, head?: ChainHead): ChainCheck {
  let prevHash = start.hash;
  let expected = start.seq + 1;
  let checked = 0;
  const broken = (b: ChainBreak): ChainCheck => ({ checked, lastHash: prevHash, lastSeq: expected - 1, broken: b });
  for (const stored of records) {
    const keySeq = seqFromSortKey(stored.sk);
    if (keySeq === undefined) return broken({ kind: 'inserted', seq: null, sk: stored.sk, detail: `item ${stored.sk} has a key no writer produces` });
    if (keySeq > expected) return broken({ kind: 'removed', seq: expected, sk: stored.sk, detail: `record ${expected} is missing (next present: ${keySeq})` });
    if (stored.body.seq !== keySeq) {
      return broken({ kind: 'reordered', seq: keySeq, sk: stored.sk, detail: `record ${keySeq} holds the body of record ${stored.body.seq}` });
    }
    if (textHash(stored.bodyText) !== stored.hash) return broken({ kind: 'changed', seq: keySeq, sk: stored.sk, detail: `record ${keySeq} no longer hashes to its stored hash` });
    if (stored.body.prev_hash !== prevHash) {
      // Each record is self-consistent, so either the previous one was rewritten with a fresh hash
      // or this one was put in its place: the earlier of the two is the first record in doubt.
      const suspect = keySeq - 1;
      return suspect > start.seq
        ? broken({ kind: 'changed', seq: suspect, sk: stored.sk, detail: `record ${suspect} was rewritten: its hash is not record ${keySeq}'s prev_hash` })
        : broken({ kind: 'inserted', seq: keySeq, sk: stored.sk, detail: `record ${keySeq} does not follow the chain before it (prev_hash mismatch)` });
    }
    prevHash = stored.hash;
    expected += 1;
    checked += 1;
  }
  if (head) {
    const lastSeq = expected - 1;
    if (head.seq > lastSeq) return broken({ kind: 'removed', seq: lastSeq + 1, sk: '', detail: `records ${lastSeq + 1}..${head.seq} are missing (the chain head is at ${head.seq})` });
    if (head.seq < lastSeq) return broken({ kind: 'inserted', seq: head.seq + 1, sk: '', detail: `records after ${head.seq} were added behind the chain head` });
    if (head.hash !== prevHash) return broken({ kind: 'changed', seq: lastSeq, sk: '', detail: `record ${lastSeq} was rewritten: its hash is not the chain head's` });
  }
  return { checked, lastHash: prevHash, lastSeq: expected - 1 };
}
