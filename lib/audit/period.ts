import {
  ConditionalCheckFailedException, TransactWriteItemsCommand, UpdateItemCommand, type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { isConditionRefusal } from '../aws/transaction-conflicts.js';
import { logger } from '../observability/powertools.js';
import type { AuditDeps } from './deps.js';
import {
  laneDigestItem, laneLeaf, periodHeadKey, periodItem, periodKey, recordLeaf, type LaneDigest, type LanePart, type PeriodDigest, type StoredPeriod,
} from './digests.js';
import { auditPath, merkleRoot } from './merkle.js';
import { readHead, readLatestPeriod, readRecords, readRegistry } from './reads.js';
import { auditRegistryKey, canonicalJson, laneId } from './record.js';
import { signDigest } from './signing.js';
import { verifyChain } from './verify-chain.js';

export interface CloseResult {
  period?: StoredPeriod;
  merchants: number;
  /** Lanes with new records (a merchant has up to auditLaneCount). */
  lanes: number;
  records: number;
  /** Lanes (`<merchant>:<lane>`) left for the next close because their new records do not chain (verify names the record). */
  skipped: string[];
  /** A previous period whose anchor had failed and was sent now. */
  reanchored?: string;
  /** Another close stored its period first; this one wrote nothing (the next close takes what is left). */
  superseded?: boolean;
}

/** How long one close's claim on sending a period's anchor holds before another close may send it. */
const anchorClaimMs = 10 * 60_000;

/** Two items per lane (its digest and its registry entry) in transactions of at most 100. */
const lanesPerTransaction = 50;

/**
 * Closes a period: for each lane with records since the last close, an RFC 6962 root over them;
 * a root over those lane roots; the period digest signed in KMS, stored (and archived), then
 * anchored on chain. The signed digest is stored before the anchor is sent, so a failed send is
 * retried by the next close rather than losing the period.
 */
export async function closePeriod(deps: AuditDeps): Promise<CloseResult> {
  const previous = await readLatestPeriod(deps);
  const closing = await lanesToClose(deps);
  if (closing.parts.length === 0) {
    const reanchored = await reanchorPrevious(deps, previous);
    return { merchants: 0, lanes: 0, records: 0, skipped: closing.skipped, ...(reanchored ? { reanchored } : {}) };
  }

  const now = deps.now();
  const periodId = now.toISOString();
  const parts = closing.parts.sort((a, b) => (a.merchant_id < b.merchant_id ? -1 : a.merchant_id > b.merchant_id ? 1 : a.lane - b.lane));
  const leaves = parts.map(laneLeaf);
  const digest: PeriodDigest = {
    version: 2,
    period_id: periodId,
    closed_at: now.toISOString(),
    root: merkleRoot(leaves).toString('hex'),
    size: leaves.length,
    previous_period_id: previous?.digest.period_id ?? null,
    previous_root: previous?.digest.root ?? null,
  };
  const message = canonicalJson(digest);
  const period: StoredPeriod = { digest, signature: await signDigest(deps.kms, deps.signingKeyId, message), signingKeyId: deps.signingKeyId };
  if (!(await storePeriod(deps, period, previous))) {
    logger.info('audit close superseded: another close stored its period first', { periodId, previousPeriodId: previous?.digest.period_id });
    return { merchants: 0, lanes: 0, records: 0, skipped: closing.skipped, superseded: true };
  }

  const digests: LaneDigest[] = parts.map((part, index) => ({ ...part, period_id: periodId, index, size: leaves.length, path: auditPath(index, leaves).map((h) => h.toString('hex')) }));
  for (let start = 0; start < digests.length; start += lanesPerTransaction) {
    await deps.dynamodb.send(new TransactWriteItemsCommand({ TransactItems: digests.slice(start, start + lanesPerTransaction).flatMap((d) => digestItems(deps.tableName, d)) }));
  }
  await deps.archive?.(periodId, JSON.stringify({ digest, signature: period.signature, signing_key_id: deps.signingKeyId, lanes: digests }));
  // The previous period's retry goes first so the anchoring wallet sends one transaction at a time.
  const reanchored = await reanchorPrevious(deps, previous);
  const anchored = await anchorPeriod(deps, period);
  return {
    period: anchored ? { ...period, anchor: anchored } : period,
    merchants: new Set(parts.map((part) => part.merchant_id)).size,
    lanes: parts.length,
    records: parts.reduce((sum, part) => sum + part.last_seq - part.first_seq + 1, 0),
    skipped: closing.skipped,
    ...(reanchored ? { reanchored } : {}),
  };
}

/**
 * Stores the period and moves the head of the period chain to it, on condition that the head is still
 * the period this close read as previous: two closes at once (a schedule and `audit close`) cannot
 * fork the chain or both claim the same records; the later one stores nothing.
 */
async function storePeriod(deps: AuditDeps, period: StoredPeriod, previous: StoredPeriod | undefined): Promise<boolean> {
  try {
    await deps.dynamodb.send(new TransactWriteItemsCommand({
      TransactItems: [
        { Put: { TableName: deps.tableName, Item: periodItem(period), ConditionExpression: 'attribute_not_exists(pk)' } },
        {
          Update: {
            TableName: deps.tableName,
            Key: periodHeadKey,
            UpdateExpression: 'SET periodId = :id',
            // Stacks that closed periods before the head existed start it at their latest period.
            ConditionExpression: previous ? '(attribute_not_exists(periodId) OR periodId = :previous)' : 'attribute_not_exists(periodId)',
            ExpressionAttributeValues: { ':id': { S: period.digest.period_id }, ...(previous ? { ':previous': { S: previous.digest.period_id } } : {}) },
          },
        },
      ],
    }));
    return true;
  } catch (error) {
    if (isConditionRefusal(error)) return false;
    throw error;
  }
}

async function reanchorPrevious(deps: AuditDeps, previous: StoredPeriod | undefined): Promise<string | undefined> {
  if (!previous || previous.anchor) return undefined;
  return (await anchorPeriod(deps, previous)) ? previous.digest.period_id : undefined;
}

async function lanesToClose(deps: AuditDeps): Promise<{ parts: LanePart[]; skipped: string[] }> {
  const parts: LanePart[] = [];
  const skipped: string[] = [];
  for (const { merchantId, lane, closedSeq } of await readRegistry(deps)) {
    const head = await readHead(deps, merchantId, lane);
    if (!head || head.seq <= closedSeq) continue;
    const records = await readRecords(deps, merchantId, lane, { fromSeq: closedSeq + 1, toSeq: head.seq });
    // Only the link inside the range is checked here; `audit verify` checks the whole chain.
    const check = verifyChain(records, { seq: closedSeq, hash: records[0]?.body.prev_hash ?? '' }, head);
    if (check.broken) {
      logger.error('audit chain broken; lane left out of this period', { merchantId, lane, broken: check.broken });
      skipped.push(laneId(merchantId, lane));
      continue;
    }
    parts.push({ merchant_id: merchantId, lane, first_seq: closedSeq + 1, last_seq: head.seq, root: merkleRoot(records.map((r) => recordLeaf(r.hash))).toString('hex') });
  }
  return { parts, skipped };
}

function digestItems(tableName: string, digest: LaneDigest): TransactWriteItem[] {
  return [
    { Put: { TableName: tableName, Item: laneDigestItem(digest), ConditionExpression: 'attribute_not_exists(pk)' } },
    {
      Update: {
        TableName: tableName,
        Key: auditRegistryKey(digest.merchant_id, digest.lane),
        UpdateExpression: 'SET closedSeq = :last',
        // A second close running at once cannot cover the same records twice.
        ConditionExpression: 'closedSeq = :before',
        ExpressionAttributeValues: { ':last': { N: String(digest.last_seq) }, ':before': { N: String(digest.first_seq - 1) } },
      },
    },
  ];
}

/**
 * Sends the period's anchor once: a conditional claim on the period item comes first, so two closes
 * never both send it (their transactions would race for the anchoring wallet's nonce). A claim that
 * outlives anchorClaimMs belongs to a close that died, and the next close takes it over.
 */
async function anchorPeriod(deps: AuditDeps, period: StoredPeriod) {
  const now = deps.now().getTime();
  try {
    await deps.dynamodb.send(new UpdateItemCommand({
      TableName: deps.tableName,
      Key: periodKey(period.digest.period_id),
      UpdateExpression: 'SET anchorClaimedAt = :now',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(anchor) AND (attribute_not_exists(anchorClaimedAt) OR anchorClaimedAt < :stale)',
      ExpressionAttributeValues: { ':now': { N: String(now) }, ':stale': { N: String(now - anchorClaimMs) } },
    }));
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
  try {
    const anchor = await deps.anchorer.anchor(period.digest.root);
    await deps.dynamodb.send(new UpdateItemCommand({
      TableName: deps.tableName,
      Key: periodKey(period.digest.period_id),
      UpdateExpression: 'SET anchor = :anchor REMOVE anchorClaimedAt',
      ExpressionAttributeValues: { ':anchor': { S: JSON.stringify(anchor) } },
    }));
    return anchor;
  } catch (error) {
    logger.error('audit anchor failed; the next close retries it', { periodId: period.digest.period_id, error: error as Error });
    await deps.dynamodb.send(new UpdateItemCommand({
      TableName: deps.tableName, Key: periodKey(period.digest.period_id), UpdateExpression: 'REMOVE anchorClaimedAt',
    })).catch(() => undefined);
    return undefined;
  }
}
