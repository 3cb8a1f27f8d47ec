import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { auditPartition, canonicalJson } from './record.js';
import { leafHash } from './merkle.js';

/**
 * What a period close signs: the root over every lane's new records, chained to the period before
 * (as CloudTrail digest files name their predecessor). Canonical JSON of this is the message.
 * Version 3: the leaves are lanes (merchant and lane) and each lane's part ends at the period's cut
 * (`cut_at`, also its id): its last record written before that time (docs/audit.md, "Closing a period").
 */
export interface PeriodDigest {
  version: 3;
  period_id: string;
  /** Each lane's part ends at its last record whose `at` is before this time. */
  cut_at: string;
  closed_at: string;
  /** RFC 6962 root (hex) over the lane leaves, in merchant id then lane order. */
  root: string;
  size: number;
  previous_period_id: string | null;
  previous_root: string | null;
}

/** Where a period's root went on chain: a transaction from the anchoring wallet whose calldata is anchorCalldata(root). */
export interface PeriodAnchor {
  chain: string;
  chain_id: number;
  tx_hash: string;
  from: string;
}

export interface StoredPeriod {
  digest: PeriodDigest;
  /** DER ECDSA signature (base64) of canonicalJson(digest) by the audit signing key. */
  signature: string;
  signingKeyId: string;
  anchor?: PeriodAnchor;
}

/**
 * One lane's part of a period: its records first_seq..last_seq and where its leaf sits. Kept under
 * the merchant (to find the period that covers a record); the period's own copy is its leaf item.
 */
export interface LaneDigest {
  merchant_id: string;
  lane: number;
  period_id: string;
  first_seq: number;
  last_seq: number;
  /** RFC 6962 root (hex) over the records' hashes. */
  root: string;
  /** Position of this lane's leaf in the period tree; its audit path is computed from the period's leaves when asked. */
  index: number;
}

export const periodPartition = 'AUDIT_PERIODS';
export const digestSortKeyPrefix = 'DIGEST#';

/** Names the latest stored period; sorts before every period id, so reading the newest period by key order skips it. */
export const periodHeadKey = { pk: { S: periodPartition }, sk: { S: '#HEAD' } };

/**
 * The period being closed, while a close works through the lanes over one or more invocations
 * (lib/audit/period.ts). Sorts before `#HEAD`, so reading periods by key order skips it too.
 */
export const closingPeriodKey = { pk: { S: periodPartition }, sk: { S: '#CLOSING' } };

/** A period's leaves, one item each, in leaf order: what its root is rebuilt from. */
export function periodLeavesPartition(periodId: string): string {
  return `AUDIT_PERIOD#${periodId}`;
}

const leafIndexWidth = 9;

export function periodLeafKey(periodId: string, index: number) {
  return { pk: { S: periodLeavesPartition(periodId) }, sk: { S: `LEAF#${String(index).padStart(leafIndexWidth, '0')}` } };
}

/** A leaf item's index, or undefined for a key no close makes. */
export function leafIndexFromSortKey(sk: string): number | undefined {
  const match = /^LEAF#(\d{9})$/.exec(sk);
  return match ? Number(match[1]) : undefined;
}

export function periodKey(periodId: string) {
  return { pk: { S: periodPartition }, sk: { S: periodId } };
}

export type LanePart = Pick<LaneDigest, 'merchant_id' | 'lane' | 'first_seq' | 'last_seq' | 'root'>;

/** The leaf a lane contributes to a period tree: it binds the lane and the seq range as well as the root. */
export function laneLeafData(digest: LanePart): string {
  return canonicalJson({ merchant_id: digest.merchant_id, lane: digest.lane, first_seq: digest.first_seq, last_seq: digest.last_seq, root: digest.root });
}

export function laneLeaf(digest: LanePart): Buffer {
  return leafHash(Buffer.from(laneLeafData(digest), 'utf8'));
}

/** A record's leaf: its 32-byte hash. */
export function recordLeaf(hashHex: string): Buffer {
  return leafHash(Buffer.from(hashHex, 'hex'));
}

/** Calldata of an anchor transaction: the ASCII tag `LANEPAY-AUDIT1` then the 32-byte root. */
export function anchorCalldata(rootHex: string): string {
  return `0x${Buffer.from('LANEPAY-AUDIT1', 'ascii').toString('hex')}${rootHex}`;
}

export function periodItem(period: StoredPeriod): Record<string, AttributeValue> {
  return {
    ...periodKey(period.digest.period_id),
    entity: { S: 'audit-period' },
    digest: { S: canonicalJson(period.digest) },
    signature: { S: period.signature },
    signingKeyId: { S: period.signingKeyId },
  };
}

/** JSON text as an object, or an empty object for text that is not one (a tampered item, named by verification). */
function objectFromJson<T>(text: string | undefined): T {
  try {
    const value = JSON.parse(text ?? '') as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as T;
  } catch {
    // falls through
  }
  return {} as T;
}

export function periodFromItem(item: Record<string, AttributeValue>): StoredPeriod {
  const anchor = item.anchor?.S ? objectFromJson<PeriodAnchor>(item.anchor.S) : undefined;
  return {
    digest: objectFromJson<PeriodDigest>(item.digest?.S),
    signature: item.signature?.S ?? '',
    signingKeyId: item.signingKeyId?.S ?? '',
    ...(anchor ? { anchor } : {}),
  };
}

/** A stored leaf of a period: its index (from its key) and the lane part it states. */
export interface StoredLeaf {
  index: number | undefined;
  sk: string;
  /** The leaf's data as stored (canonical JSON of the part): what its hash is taken over. */
  text: string;
  part: LanePart;
}

export function periodLeafItem(periodId: string, index: number, part: LanePart): Record<string, AttributeValue> {
  return { ...periodLeafKey(periodId, index), entity: { S: 'audit-leaf' }, leaf: { S: laneLeafData(part) } };
}

export function periodLeafFromItem(item: Record<string, AttributeValue>): StoredLeaf {
  const sk = item.sk?.S ?? '';
  const text = item.leaf?.S ?? '{}';
  return { index: leafIndexFromSortKey(sk), sk, text, part: objectFromJson<LanePart>(text) };
}

export function laneDigestItem(digest: LaneDigest): Record<string, AttributeValue> {
  return {
    pk: { S: auditPartition(digest.merchant_id) },
    sk: { S: `${digestSortKeyPrefix}${digest.period_id}#${String(digest.lane).padStart(2, '0')}` },
    entity: { S: 'audit-digest' },
    digest: { S: canonicalJson(digest) },
  };
}

export function laneDigestFromItem(item: Record<string, AttributeValue>): LaneDigest {
  return objectFromJson<LaneDigest>(item.digest?.S);
}
