import type { KeyObject } from 'node:crypto';
import { laneLeafData, recordLeaf, type LanePart } from './digests.js';
import { leafHash, rootFromPath } from './merkle.js';
import type { InclusionProof } from './proof.js';
import { canonicalJson, textHash } from './record.js';
import { signatureHolds } from './signing.js';

/** The parts of an inclusion proof a holder checks offline: everything but the anchor, which needs a chain. */
export type OfflineProof = Pick<InclusionProof, 'record' | 'lane_tree' | 'period_tree'> & { period: Pick<InclusionProof['period'], 'digest_json' | 'signature_der_base64'> };

/**
 * Why the proof does not hold, or undefined when it does, with SHA-256 and one ECDSA verify:
 * the record's text hashes to its hash, that leaf climbs its lane path to the lane root, the lane's
 * period leaf names this merchant, lane and a range holding the record, and climbs to the period
 * root, which the digest states and `publicKey` (the audit signing key's) signed. The record is
 * `expected` (its merchant, lane and seq), so a proof of another record cannot stand in for it.
 */
export function proofFault(proof: OfflineProof, publicKey: KeyObject, expected: { merchantId: string; lane: number; seq: number }): string | undefined {
  if (textHash(proof.record.canonical_json) !== proof.record.hash) return 'the record does not hash to its hash';
  const body = parseObject(proof.record.canonical_json);
  if (body?.merchant_id !== expected.merchantId || body.lane !== expected.lane || body.seq !== expected.seq) return `the proof is of another record than ${expected.merchantId}:${expected.lane}:${expected.seq}`;
  const part = parseObject(proof.period_tree.leaf_json) as (LanePart & Record<string, unknown>) | undefined;
  if (!part || laneLeafData(part) !== proof.period_tree.leaf_json) return 'the period leaf is not a lane part';
  if (part.merchant_id !== expected.merchantId || part.lane !== expected.lane || expected.seq < part.first_seq || expected.seq > part.last_seq) return 'the period leaf is not the part of the record\'s lane that holds it';
  const lane = proof.lane_tree;
  if (lane.leaf_index !== expected.seq - part.first_seq || lane.size !== part.last_seq - part.first_seq + 1 || lane.root !== part.root) return 'the lane tree is not the one the period leaf names';
  if (!climbsTo(recordLeaf(proof.record.hash), lane, lane.root)) return 'the record\'s path does not climb to its lane root';
  const period = proof.period_tree;
  if (!climbsTo(leafHash(Buffer.from(period.leaf_json, 'utf8')), period, period.root)) return 'the lane leaf\'s path does not climb to the period root';
  const digest = parseObject(proof.period.digest_json);
  if (!digest || canonicalJson(digest) !== proof.period.digest_json || digest.root !== period.root || digest.size !== period.size) return 'the signed digest does not state this period root';
  if (!signatureHolds(publicKey, proof.period.digest_json, proof.period.signature_der_base64)) return 'the period digest\'s signature does not hold with the audit signing key';
  return undefined;
}

function climbsTo(leaf: Buffer, tree: { leaf_index: number; size: number; path: string[] }, rootHex: string): boolean {
  if (!tree.path.every((h) => /^[0-9a-f]{64}$/.test(h))) return false;
  const root = rootFromPath(leaf, tree.leaf_index, tree.size, tree.path.map((h) => Buffer.from(h, 'hex')));
  return root?.toString('hex') === rootHex;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}
