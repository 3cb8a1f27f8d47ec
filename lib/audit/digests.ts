import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { auditPartition, canonicalJson } from './record.js';
import { leafHash } from './merkle.js';

/**
 * What a period close signs: the root over every lane's new records, chained to the period before
 * (as CloudTrail digest files name their predecessor). Canonical JSON of this is the message.
 * Version 2: the leaves are lanes (merchant and lane), not merchants.
 */
export interface PeriodDigest {
  version: 2;
  period_id: string;
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

/** One lane's part of a period: its records first_seq..last_seq and where its leaf sits. */
export interface LaneDigest {
  merchant_id: string;
  lane: number;
  period_id: string;
  first_seq: number;
  last_seq: number;
  /** RFC 6962 root (hex) over the records' hashes. */
  root: string;
  /** Position of this lane's leaf in the period tree, its size and audit path (hex). */
  index: number;
  size: number;
  path: string[];
}

export const periodPartition = 'AUDIT_PERIODS';
export const digestSortKeyPrefix = 'DIGEST#';

/** Names the latest stored period; sorts before every period id, so reading the newest period by key order skips it. */
export const periodHeadKey = { pk: { S: periodPartition }, sk: { S: '#HEAD' } };

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

export function periodFromItem(item: Record<string, AttributeValue>): StoredPeriod {
  return {
    digest: JSON.parse(item.digest!.S!) as PeriodDigest,
    signature: item.signature!.S!,
    signingKeyId: item.signingKeyId!.S!,
    ...(item.anchor?.S ? { anchor: JSON.parse(item.anchor.S) as PeriodAnchor } : {}),
  };
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
  return JSON.parse(item.digest!.S!) as LaneDigest;
}
