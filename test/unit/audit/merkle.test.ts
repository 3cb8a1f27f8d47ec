import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { appendToFrontier, auditPath, frontierRoot, leafHash, merkleRoot, rootFromPath } from '#lib/audit/merkle.js';

// RFC 6962 section 2.1 as written: the recursive definition, to hold the iterative one to.
const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
function rfcRoot(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return sha();
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha(Buffer.from([1]), rfcRoot(leaves.slice(0, k)), rfcRoot(leaves.slice(k)));
}

const leavesOf = (n: number) => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`record ${i}`)));

describe('RFC 6962 Merkle tree', () => {
  it('hashes leaves with the 0x00 prefix and nodes with 0x01', () => {
    const data = Buffer.from('x');
    expect(leafHash(data)).toEqual(sha(Buffer.from([0]), data));
    const [a, b] = leavesOf(2) as [Buffer, Buffer];
    expect(merkleRoot([a, b])).toEqual(sha(Buffer.from([1]), a, b));
  });

  it('gives the root of the recursive definition for every size from 0 to 70', () => {
    for (let n = 0; n <= 70; n += 1) expect(merkleRoot(leavesOf(n)).toString('hex'), `n=${n}`).toBe(rfcRoot(leavesOf(n)).toString('hex'));
  });

  it('builds audit paths that lead every leaf back to the root, and to nothing else from another index', () => {
    for (const n of [1, 2, 3, 5, 8, 13, 33]) {
      const leaves = leavesOf(n);
      const root = merkleRoot(leaves);
      for (let i = 0; i < n; i += 1) {
        const path = auditPath(i, leaves);
        expect(rootFromPath(leaves[i]!, i, n, path), `n=${n} i=${i}`).toEqual(root);
        if (n > 1) expect(rootFromPath(leaves[i]!, (i + 1) % n, n, path)?.equals(root) ?? false, `n=${n} i=${i} moved`).toBe(false);
      }
    }
  });

  it('refuses a path whose leaf or sibling was changed', () => {
    const leaves = leavesOf(9);
    const root = merkleRoot(leaves);
    const path = auditPath(4, leaves);
    expect(rootFromPath(leafHash(randomBytes(32)), 4, 9, path)).not.toEqual(root);
    const bent = path.map((p, i) => (i === 1 ? randomBytes(32) : p));
    expect(rootFromPath(leaves[4]!, 4, 9, bent)).not.toEqual(root);
  });

  it('gives the same root from a frontier built leaf by leaf as from all the leaves, at every size to 70', () => {
    let frontier: Buffer[] = [];
    const leaves = leavesOf(70);
    expect(frontierRoot(frontier)).toEqual(rfcRoot([]));
    leaves.forEach((leaf, size) => {
      frontier = appendToFrontier(frontier, size, leaf);
      expect(frontierRoot(frontier), `size ${size + 1}`).toEqual(rfcRoot(leaves.slice(0, size + 1)));
      expect(frontier.length).toBe((size + 1).toString(2).replace(/0/g, '').length);
    });
  });
});
