import { createHash } from 'node:crypto';

/**
 * Merkle tree hashing of RFC 6962 (section 2.1): leaf = SHA-256(0x00 || data), node =
 * SHA-256(0x01 || left || right), split at the largest power of two below n. Written here rather
 * than taken from a library: it is the few lines the RFC gives, and the proof format must be exactly it.
 */
export function leafHash(data: Buffer): Buffer {
  return createHash('sha256').update(Buffer.from([0])).update(data).digest();
}

export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256').update(Buffer.from([1])).update(left).update(right).digest();
}

const emptyRoot = createHash('sha256').digest();

function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Merkle Tree Hash over already-hashed leaves. */
export function merkleRoot(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return emptyRoot;
  // Bottom-up, level by level: the same tree as the RFC's recursion (odd nodes are promoted), without recursion.
  let level = leaves;
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i]!, level[i + 1]!));
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0]!;
}

/** Audit path (RFC 6962 2.1.1) of leaf `index` among `leaves`, siblings from the leaf upwards. */
export function auditPath(index: number, leaves: Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  const k = split(leaves.length);
  if (index < k) return [...auditPath(index, leaves.slice(0, k)), merkleRoot(leaves.slice(k))];
  return [...auditPath(index - k, leaves.slice(k)), merkleRoot(leaves.slice(0, k))];
}

/** RFC 9162 2.1.3.2: recomputes the root from a leaf hash, its index, the tree size and its path. */
export function rootFromPath(leaf: Buffer, index: number, size: number, path: Buffer[]): Buffer | undefined {
  if (index >= size) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 ? r : undefined;
}
