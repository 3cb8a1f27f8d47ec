import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { createHmac, randomBytes } from 'node:crypto';
import type { AuditReader, AuditTrust } from '#lib/audit/audit-reader.js';
import {
  laneDigestFromItem, laneDigestItem, laneLeaf, periodFromItem, periodHeadKey, periodItem, periodLeafFromItem, periodLeafItem, periodLeavesPartition,
  periodPartition, type LanePart, type PeriodDigest,
} from '#lib/audit/digests.js';
import { recordLeaf } from '#lib/audit/digests.js';
import { merkleRoot } from '#lib/audit/merkle.js';
import {
  auditHeadKey, auditLanePartition, auditPartition, auditRegistryKey, auditRegistryPartition, canonicalJson, chainFromRegistrySortKey, genesisHash,
  recordItem, recordSortKey, sealRecord, storedRecordFromItem,
} from '#lib/audit/record.js';

type Item = Record<string, AttributeValue>;

/**
 * Periods are "signed" with an HMAC here: the property test changes what periods cover, never a
 * signature, and ECDSA per period was most of its time. The KMS signature has its own tests
 * (test/integration/audit/audit-log.test.ts).
 */
const signingKey = randomBytes(32);
const hmac = (message: string) => createHmac('sha256', signingKey).update(message).digest('base64');

/**
 * The audit items of a table, in memory, for the property test of verification: written as the
 * writers and the period close write them (same item builders), read through AuditReader with the
 * same parsers as the table reader. Key order is DynamoDB's (sort keys compared as strings).
 */
export class MemoryLog {
  readonly items = new Map<string, Map<string, Item>>();
  private clock = Date.parse('2026-12-01T00:00:00Z');

  put(item: Item) {
    const pk = item.pk!.S!;
    if (!this.items.has(pk)) this.items.set(pk, new Map());
    this.items.get(pk)!.set(item.sk!.S!, item);
  }

  get(pk: string, sk: string): Item | undefined {
    return this.items.get(pk)?.get(sk);
  }

  delete(pk: string, sk: string) {
    this.items.get(pk)?.delete(sk);
  }

  /** Items of a partition whose sort key starts with `prefix`, in key order. */
  query(pk: string, prefix = ''): Item[] {
    return [...(this.items.get(pk)?.values() ?? [])].filter((item) => item.sk!.S!.startsWith(prefix)).sort((a, b) => (a.sk!.S! < b.sk!.S! ? -1 : 1));
  }

  /** Appends a record to a lane, as chainItems does: the record, the head, the registry entry for the first. */
  append(merchantId: string, lane: number, action = 'payment.authorized') {
    const head = this.get(auditLanePartition(merchantId, lane), 'HEAD');
    const seq = Number(head?.seq?.N ?? '0') + 1;
    this.clock += 1000;
    const record = sealRecord({
      merchant_id: merchantId, lane, seq, at: new Date(this.clock).toISOString(), actor: { type: 'system', id: null }, action, object: { type: 'payment', id: `pay_${merchantId}_${lane}_${seq}` },
      prev_hash: head?.hash?.S ?? genesisHash,
    });
    this.put(recordItem(record));
    this.put({ ...auditHeadKey(merchantId, lane), entity: { S: 'audit-head' }, seq: { N: String(seq) }, hash: { S: record.hash } });
    if (seq === 1) this.put({ ...auditRegistryKey(merchantId, lane), entity: { S: 'audit-chain' }, closedSeq: { N: '0' } });
  }

  /** Closes a period as lib/audit/period.ts does: every lane with records past its closedSeq, in registry order. */
  close(): string | undefined {
    this.clock += 1000;
    const periodId = new Date(this.clock).toISOString();
    const parts: LanePart[] = [];
    for (const entry of this.query(auditRegistryPartition)) {
      const { merchantId, lane } = chainFromRegistrySortKey(entry.sk!.S!)!;
      const closedSeq = Number(entry.closedSeq!.N);
      const records = this.query(auditLanePartition(merchantId, lane), 'SEQ#').map(storedRecordFromItem).filter((r) => r.body.seq > closedSeq);
      if (records.length === 0) continue;
      parts.push({ merchant_id: merchantId, lane, first_seq: closedSeq + 1, last_seq: closedSeq + records.length, root: merkleRoot(records.map((r) => recordLeaf(r.hash))).toString('hex') });
      this.put({ ...entry, closedSeq: { N: String(closedSeq + records.length) } });
    }
    if (parts.length === 0) return undefined;
    const previousId = this.get(periodPartition, periodHeadKey.sk.S)?.periodId?.S;
    const previous = previousId ? periodFromItem(this.get(periodPartition, previousId)!) : undefined;
    parts.forEach((part, index) => {
      this.put(periodLeafItem(periodId, index, part));
      this.put(laneDigestItem({ ...part, period_id: periodId, index }));
    });
    const digest: PeriodDigest = {
      version: 3, period_id: periodId, cut_at: periodId, closed_at: periodId, root: merkleRoot(parts.map(laneLeaf)).toString('hex'), size: parts.length,
      previous_period_id: previous?.digest.period_id ?? null, previous_root: previous?.digest.root ?? null,
    };
    const signature = hmac(canonicalJson(digest));
    this.put(periodItem({ digest, signature, signingKeyId: 'memory-key' }));
    this.put({ ...periodHeadKey, periodId: { S: periodId } });
    return periodId;
  }

  reader(): AuditReader {
    return {
      head: async (merchantId, lane) => {
        const item = this.get(auditLanePartition(merchantId, lane), 'HEAD');
        return item?.seq?.N && item.hash?.S ? { seq: Number(item.seq.N), hash: item.hash.S } : undefined;
      },
      records: async (merchantId, lane, range) => this.query(auditLanePartition(merchantId, lane), 'SEQ#')
        .filter((item) => !range || (item.sk!.S! >= recordSortKey(range.fromSeq) && (range.toSeq === undefined || item.sk!.S! <= `${recordSortKey(range.toSeq)}\uffff`)))
        .map(storedRecordFromItem),
      registry: async (merchantId) => this.query(auditRegistryPartition, `${merchantId}#`).flatMap((item) => {
        const lane = chainFromRegistrySortKey(item.sk!.S!);
        return lane ? [{ ...lane, closedSeq: Number(item.closedSeq?.N ?? '0') }] : [];
      }),
      merchantDigests: async (merchantId) => this.query(auditPartition(merchantId), 'DIGEST#').map(laneDigestFromItem),
      periods: async () => this.query(periodPartition).filter((item) => item.sk!.S! > periodHeadKey.sk.S).map(periodFromItem),
      periodHead: async () => this.get(periodPartition, periodHeadKey.sk.S)?.periodId?.S,
      periodLeaves: async (periodId) => this.query(periodLeavesPartition(periodId)).map(periodLeafFromItem),
      closing: async () => undefined,
    };
  }

  trust(): AuditTrust {
    return { signatureHolds: async (period) => period.signingKeyId === 'memory-key' && period.signature === hmac(canonicalJson(period.digest)) };
  }
}
