import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LaneDigest } from './digests.js';
import { readMerchantDigests, readRecords } from './reads.js';
import { auditLaneCount, recordId, type AuditMovement } from './record.js';

/** A record as a statement carries it: its stored text (what it hashed) and what it moved. */
export interface LaneRecord {
  record_id: string;
  lane: number;
  seq: number;
  at: string;
  /** The body as stored: the text its `hash` is the SHA-256 of. */
  text: string;
  hash: string;
  prev_hash: string;
  movements: AuditMovement[];
}

/**
 * Each lane's records around a time window, contiguous per lane: from the first record of the
 * first closed part whose period was cut after `fromMs - slackMs` (a record's `at` is before its
 * period's cut) to the end of the first part cut at or after `toMs + slackMs`, or to the lane's
 * end when none is. Every record whose `at` lies in the window is among them (and some around it),
 * read through the lane's closed parts rather than the whole lane.
 */
export async function readRecordsNear(deps: { dynamodb: DynamoDBClient; tableName: string }, merchantId: string, window: { fromMs: number; toMs: number; slackMs: number }): Promise<LaneRecord[][]> {
  const digests = await readMerchantDigests(deps, merchantId);
  const from = new Date(window.fromMs - window.slackMs).toISOString();
  const to = new Date(window.toMs + window.slackMs).toISOString();
  return Promise.all(Array.from({ length: auditLaneCount }, async (_, lane) => {
    const parts = digests.filter((d) => d.lane === lane).sort((a, b) => a.first_seq - b.first_seq);
    const range = seqRange(parts, from, to);
    const records = await readRecords(deps, merchantId, lane, range);
    return records.map((r) => ({
      record_id: recordId(merchantId, lane, r.body.seq), lane, seq: r.body.seq, at: r.body.at, text: r.bodyText, hash: r.hash, prev_hash: r.body.prev_hash,
      movements: Array.isArray(r.body.movements) ? r.body.movements : [],
    }));
  }));
}

function seqRange(parts: LaneDigest[], fromIso: string, toIso: string): { fromSeq: number; toSeq?: number } {
  const first = parts.find((p) => p.period_id > fromIso);
  const fromSeq = first ? first.first_seq : (parts.at(-1)?.last_seq ?? 0) + 1;
  const last = parts.find((p) => p.period_id >= toIso);
  return last ? { fromSeq, toSeq: last.last_seq } : { fromSeq };
}
