import { hash } from 'node:crypto';

/**
 * Merkle tree hashing of RFC 6962 (section 2.1): leaf = SHA-256(0x00 || data), node =
 * SHA-256(0x01 || left || right), split at the largest power of two below n. Written here rather
 * than taken from a library: it is the few lines the RFC gives, and the proof format must be exactly it.
 */
// One-shot hash() over a reused scratch buffer (hash() reads it synchronously): no stream object
// and no concatenation per node, which is most of the cost of a root over many small leaves.
const leafScratch = Buffer.alloc(1 + 32);
const nodeScratch = Buffer.alloc(1 + 64);
nodeScratch[0] = 1;

export function leafHash(data: Buffer): Buffer {
  if (data.length === 32) {
    data.copy(leafScratch, 1);
    return sha256(leafScratch);
  }
  return sha256(Buffer.concat([Buffer.from([0]), data]));
}

export function nodeHash(left: Buffer, right: Buffer): Buffer {
  left.copy(nodeScratch, 1);
  right.copy(nodeScratch, 33);
  return sha256(nodeScratch);
}

function sha256(data: Buffer): Buffer {
  return hash('sha256', data, 'buffer') as unknown as Buffer;
}

const emptyRoot = sha256(Buffer.alloc(0));

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

/**
 * The compact frontier of an RFC 6962 tree being built leaf by leaf: the roots of its perfect
 * subtrees, largest first (one per set bit of the leaf count, so at most log2(n) + 1 hashes). A
 * period close keeps it in its open-period item, so the period root comes out of a few hashes at
 * the end instead of a read of every leaf.
 */
export function appendToFrontier(frontier: Buffer[], size: number, leaf: Buffer): Buffer[] {
  const next = [...frontier, leaf];
  // Each trailing 1 bit of the old size is a perfect subtree the new leaf's subtree now pairs with.
  for (let m = size; m % 2 === 1; m = Math.floor(m / 2)) {
    const right = next.pop()!;
    const left = next.pop()!;
    next.push(nodeHash(left, right));
  }
  return next;
}

/** The root of the tree a frontier describes: the subtrees folded from the right, as the RFC's split does. */
export function frontierRoot(frontier: Buffer[]): Buffer {
  if (frontier.length === 0) return emptyRoot;
  let root = frontier[frontier.length - 1]!;
  for (let i = frontier.length - 2; i >= 0; i -= 1) root = nodeHash(frontier[i]!, root);
  return root;
}
