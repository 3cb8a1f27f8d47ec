import { BatchGetItemCommand, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { logger } from '../observability/powertools.js';
import type { AuditDeps } from './deps.js';
import { recordLeaf, type LanePart } from './digests.js';
import { merkleRoot } from './merkle.js';
import { readRecords, registryEntrySchema } from './reads.js';
import { auditHeadKey, auditRegistryPartition, chainFromRegistrySortKey, laneId } from './record.js';
import { verifyChain } from './verify-chain.js';
import { readItem } from '../aws/item.js';
import * as z from 'zod';

type Reader = Pick<AuditDeps, 'dynamodb' | 'tableName'>;

/** A lane with records to cover, and the registry position it was found at. */
export interface LaneToCover extends LanePart {
  registrySk: string;
}

export interface RegistryPage {
  parts: LaneToCover[];
  /** Lanes (`<merchant>:<lane>`) whose new records do not chain: left open, named by `audit verify`. */
  skipped: string[];
  /** The registry sort key of the page's last entry (where the next page starts), or undefined for an empty page. */
  lastSk: string | undefined;
  /** No entry after this page. */
  end: boolean;
  /** Registry entries on the page. */
  walked: number;
}

/** How many registry entries one step reads: one BatchGetItem of their heads. */
export const registryPageSize = 100;
/** Lanes whose records are read at once. */
const recordReadConcurrency = 8;

/**
 * The next registry entries after `cursor`, and for each lane whose head moved past its closedSeq,
 * its part of a period cut at `cutAt`: from closedSeq + 1 to its last record whose `at` is before the
 * cut. Records after that one (written after the cut) are left for the next period.
 */
export async function readRegistryPage(deps: Reader, cursor: string | undefined, cutAt: string): Promise<RegistryPage> {
  const { Items = [], LastEvaluatedKey } = await deps.dynamodb.send(new QueryCommand({
    TableName: deps.tableName,
    ConsistentRead: true,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': { S: auditRegistryPartition } },
    Limit: registryPageSize,
    ...(cursor ? { ExclusiveStartKey: { pk: { S: auditRegistryPartition }, sk: { S: cursor } } } : {}),
  }));
  const entries = Items.flatMap((item) => {
    const { sk, closedSeq } = readItem(registryEntrySchema, item);
    const lane = chainFromRegistrySortKey(sk);
    return lane ? [{ ...lane, registrySk: sk, closedSeq }] : [];
  });
  const heads = await readHeads(deps, entries);
  const moved = entries.filter((entry) => (heads.get(entry.registrySk) ?? 0) > entry.closedSeq);
  const parts: LaneToCover[] = [];
  const skipped: string[] = [];
  for (let start = 0; start < moved.length; start += recordReadConcurrency) {
    const outcomes = await Promise.all(moved.slice(start, start + recordReadConcurrency).map((entry) => lanePart(deps, entry, cutAt)));
    outcomes.forEach((outcome, i) => {
      const entry = moved[start + i]!;
      if (outcome === 'broken') skipped.push(laneId(entry.merchantId, entry.lane));
      else if (outcome) parts.push({ ...outcome, registrySk: entry.registrySk });
    });
  }
  return { parts, skipped, lastSk: Items.at(-1)?.sk?.S, end: !LastEvaluatedKey, walked: Items.length };
}

/** Each entry's head seq, keyed by registry sort key (one consistent BatchGetItem, its unprocessed keys retried). */
async function readHeads(deps: Reader, entries: { merchantId: string; lane: number; registrySk: string }[]): Promise<Map<string, number>> {
  const seqs = new Map<string, number>();
  const byPartition = new Map(entries.map((entry) => [auditHeadKey(entry.merchantId, entry.lane).pk.S, entry.registrySk]));
  let keys: Record<string, AttributeValue>[] = entries.map((entry) => auditHeadKey(entry.merchantId, entry.lane));
  while (keys.length > 0) {
    const { Responses, UnprocessedKeys } = await deps.dynamodb.send(new BatchGetItemCommand({
      RequestItems: { [deps.tableName]: { Keys: keys, ConsistentRead: true, ProjectionExpression: 'pk, seq' } },
    }));
    for (const item of Responses?.[deps.tableName] ?? []) {
      const head = readItem(z.object({ pk: z.string(), seq: z.number().default(0) }), item);
      seqs.set(byPartition.get(head.pk)!, head.seq);
    }
    keys = UnprocessedKeys?.[deps.tableName]?.Keys ?? [];
  }
  return seqs;
}

async function lanePart(deps: Reader, entry: { merchantId: string; lane: number; closedSeq: number }, cutAt: string): Promise<LanePart | 'broken' | undefined> {
  const { merchantId, lane, closedSeq } = entry;
  const records = await readRecords(deps, merchantId, lane, { fromSeq: closedSeq + 1 });
  // The last record before the cut; the records after it in the lane wait for the next period.
  let count = 0;
  records.forEach((record, i) => {
    if (record.body.at < cutAt) count = i + 1;
  });
  if (count === 0) return undefined;
  const covered = records.slice(0, count);
  // Only the links inside the range are checked here; `audit verify` checks the whole chain.
  const check = verifyChain(covered, { seq: closedSeq, hash: covered[0]!.body.prev_hash });
  if (check.broken) {
    logger.error('audit chain broken; lane left out of this period', { merchantId, lane, broken: check.broken });
    return 'broken';
  }
  return { merchant_id: merchantId, lane, first_seq: closedSeq + 1, last_seq: closedSeq + count, root: merkleRoot(covered.map((r) => recordLeaf(r.hash))).toString('hex') };
}
