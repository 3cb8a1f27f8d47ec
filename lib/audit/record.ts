import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import canonicalize from 'canonicalize';
import { hash as oneShotHash } from 'node:crypto';

/** Who did it: an API key, a member, an operator (CLI with AWS credentials) or Lanepay itself (sweeps, checks). */
export interface AuditActor {
  /** `payer`: someone without a key acting on a capability they were given (a refund's claim link; `id` is the claim). */
  type: 'api_key' | 'member' | 'operator' | 'system' | 'payer';
  id: string | null;
}

/** What a writer says about its change; the chain fields are added by the audit writer (writeAudited). */
export interface AuditEntry {
  merchantId: string;
  actor: AuditActor;
  /** `payment.authorized`, `api_key.created`, `risk.updated`... */
  action: string;
  object: { type: string; id: string };
  at: Date;
  /**
   * The merchant's balance movements the change books, as the ledger states them (#ledger
   * `balanceMovements`): hashed into the record, so a statement line is held to its anchored record
   * (docs/statements.md). Left out of the body when empty, so other records hash as before.
   */
  movements?: readonly AuditMovement[];
}

/** A balance movement as a record carries it: flat wire strings (the ledger's BalanceMovement). */
export type AuditMovement = Readonly<Record<string, string>>;

/** The hashed body of a record: exactly these fields, canonical JSON (RFC 8785). */
export interface AuditRecordBody {
  merchant_id: string;
  /** Which of the merchant's chains holds it (auditLaneCount): hashed, so a record cannot move to another lane. */
  lane: number;
  seq: number;
  at: string;
  actor: AuditActor;
  action: string;
  object: { type: string; id: string };
  prev_hash: string;
  /** Present only on records of changes that move the merchant's balance (AuditEntry.movements). */
  movements?: AuditMovement[];
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

/**
 * How many chains (lanes) a merchant's log is split into. One head per merchant bounded its audited
 * writes to one transaction at a time, and a burst of writers on one merchant mostly rebuilt records
 * on heads that had moved; each writer (a container's DynamoDB client) now extends one lane and moves
 * to another when it keeps losing, so writers rarely meet (docs/audit.md, "Lanes").
 */
export const auditLaneCount = 16;

export function isLane(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value < auditLaneCount;
}

function laneText(lane: number): string {
  return String(lane).padStart(2, '0');
}

/** The merchant's period digests live under `AUDIT#<merchant>`. */
export function auditPartition(merchantId: string): string {
  return `AUDIT#${merchantId}`;
}

/**
 * A lane's records and head share `AUDIT#<merchant>#<lane>`: a partition key per lane, so a busy
 * merchant's lanes spread over DynamoDB partitions instead of sharing one key's write throughput.
 */
export function auditLanePartition(merchantId: string, lane: number): string {
  return `AUDIT#${merchantId}#${laneText(lane)}`;
}

/** How a lane is named to people: `<merchant>:<lane>`. */
export function laneId(merchantId: string, lane: number): string {
  return `${merchantId}:${lane}`;
}

/** How a record is named to people and to `audit proof`: `<merchant>:<lane>:<seq>`. */
export function recordId(merchantId: string, lane: number, seq: number | string): string {
  return `${laneId(merchantId, lane)}:${seq}`;
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

export function auditHeadKey(merchantId: string, lane: number) {
  return { pk: { S: auditLanePartition(merchantId, lane) }, sk: { S: 'HEAD' } };
}

/** One item per lane that ever had a record, `<merchant>#<lane>`: the period close lists them from here. */
export const auditRegistryPartition = 'AUDIT_CHAINS';

export function auditRegistryKey(merchantId: string, lane: number) {
  return { pk: { S: auditRegistryPartition }, sk: { S: `${merchantId}#${laneText(lane)}` } };
}

/** A registry sort key's merchant and lane, or undefined for a key no writer makes. */
export function chainFromRegistrySortKey(sk: string): { merchantId: string; lane: number } | undefined {
  const match = /^([A-Za-z0-9_]+)#(\d{2})$/.exec(sk);
  return match && isLane(Number(match[2])) ? { merchantId: match[1]!, lane: Number(match[2]) } : undefined;
}

/**
 * A record's item: the body's text and its hash, nothing else beside them. Items written before
 * 2026-12-06 also kept `lane`, `seq`, `at` and `prev_hash` beside the body, unhashed: `audit verify`
 * holds any such copy to the body (`besideBody`), since a reader might trust it.
 */
export function recordItem(record: AuditRecord): Record<string, AttributeValue> {
  const { hash, ...body } = record;
  return {
    pk: { S: auditLanePartition(record.merchant_id, record.lane) },
    sk: { S: recordSortKey(record.seq) },
    entity: { S: 'audit-record' },
    body: { S: canonicalJson(body) },
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
  /** Copies of body fields kept beside it (older items), as stored: each must agree with the body. */
  besideBody?: Partial<Record<BesideBodyField, string>>;
}

export const besideBodyFields = ['lane', 'seq', 'at', 'prev_hash'] as const;
export type BesideBodyField = (typeof besideBodyFields)[number];

export function storedRecordFromItem(item: Record<string, AttributeValue>): StoredRecord {
  const bodyText = item.body?.S ?? '{}';
  const besideBody: Partial<Record<BesideBodyField, string>> = {};
  for (const field of besideBodyFields) {
    const value = item[field]?.S ?? item[field]?.N;
    if (value !== undefined) besideBody[field] = value;
  }
  return {
    sk: item.sk?.S ?? '', bodyText, body: parseBody(bodyText), hash: item.hash?.S ?? '',
    ...(Object.keys(besideBody).length > 0 ? { besideBody } : {}),
  };
}

/** A body that is not JSON reads as an empty one: verification then names the record, rather than crashing. */
function parseBody(text: string): AuditRecordBody {
  try {
    const body = JSON.parse(text) as unknown;
    if (body && typeof body === 'object') return body as AuditRecordBody;
  } catch {
    // named below by verification: the text no longer hashes to the stored hash
  }
  return {} as AuditRecordBody;
}
