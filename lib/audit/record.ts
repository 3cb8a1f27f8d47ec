import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import canonicalize from 'canonicalize';
import { hash as oneShotHash } from 'node:crypto';

/** Who did it: an API key, a member, an operator (CLI with AWS credentials) or Lanepay itself (sweeps, checks). */
export interface AuditActor {
  type: 'api_key' | 'member' | 'operator' | 'system';
  id: string | null;
}

/** What a writer says about its change; the chain fields are added by auditItems. */
export interface AuditEntry {
  merchantId: string;
  actor: AuditActor;
  /** `payment.authorized`, `api_key.created`, `risk.updated`... */
  action: string;
  object: { type: string; id: string };
  at: Date;
}

/** The hashed body of a record: exactly these fields, canonical JSON (RFC 8785). */
export interface AuditRecordBody {
  merchant_id: string;
  seq: number;
  at: string;
  actor: AuditActor;
  action: string;
  object: { type: string; id: string };
  prev_hash: string;
}

export interface AuditRecord extends AuditRecordBody {
  hash: string;
}

export const genesisHash = '0'.repeat(64);
const seqWidth = 12;

export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error('value has no JSON form');
  return text;
}

/** SHA-256 (hex) of the record body's canonical JSON: the record's `hash` and its successor's `prev_hash`. */
export function recordHash(body: AuditRecordBody): string {
  return textHash(canonicalJson(body));
}

/** SHA-256 (hex) of a stored body's text: what verification recomputes, without re-serialising. */
export function textHash(text: string): string {
  return oneShotHash('sha256', text, 'hex');
}

export function sealRecord(body: AuditRecordBody): AuditRecord {
  return { ...body, hash: recordHash(body) };
}

/** Records, head, registry and digests of one merchant share the partition `AUDIT#<merchant>`. */
export function auditPartition(merchantId: string): string {
  return `AUDIT#${merchantId}`;
}

export function recordSortKey(seq: number): string {
  return `SEQ#${String(seq).padStart(seqWidth, '0')}`;
}

export const recordSortKeyPrefix = 'SEQ#';

/** Sort key → sequence number, or undefined for a key no writer produces (an inserted item). */
export function seqFromSortKey(sk: string): number | undefined {
  const match = /^SEQ#(\d{12})$/.exec(sk);
  return match ? Number(match[1]) : undefined;
}

export function auditHeadKey(merchantId: string) {
  return { pk: { S: auditPartition(merchantId) }, sk: { S: 'HEAD' } };
}

/** One item per merchant that ever had a record: the period close lists them from here. */
export const auditRegistryPartition = 'AUDIT_MERCHANTS';

export function auditRegistryKey(merchantId: string) {
  return { pk: { S: auditRegistryPartition }, sk: { S: merchantId } };
}

export function recordItem(record: AuditRecord): Record<string, AttributeValue> {
  const { hash, ...body } = record;
  return {
    pk: { S: auditPartition(record.merchant_id) },
    sk: { S: recordSortKey(record.seq) },
    entity: { S: 'audit-record' },
    seq: { N: String(record.seq) },
    at: { S: record.at },
    body: { S: canonicalJson(body) },
    prev_hash: { S: record.prev_hash },
    hash: { S: hash },
  };
}

/**
 * What an item says, without trusting it: verification compares `stored.hash` with the hash of the
 * body's text as stored (the canonical JSON the writer hashed), and reads the chain fields from it.
 */
export interface StoredRecord {
  sk: string;
  bodyText: string;
  body: AuditRecordBody;
  hash: string;
}

export function storedRecordFromItem(item: Record<string, AttributeValue>): StoredRecord {
  const bodyText = item.body?.S ?? '{}';
  return { sk: item.sk?.S ?? '', bodyText, body: JSON.parse(bodyText) as AuditRecordBody, hash: item.hash?.S ?? '' };
}
