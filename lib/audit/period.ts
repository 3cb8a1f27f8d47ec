import { TransactWriteItemsCommand, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { conditionFailedAt, isConditionRefusal } from '../aws/transaction-conflicts.js';
import { logger } from '../observability/powertools.js';
import { anchorPeriod, reanchorPrevious } from './anchoring.js';
import { advanceClosingItem, openPeriod, readClosingPeriod, removeClosingItem, type ClosingPeriod } from './closing.js';
import type { AuditDeps } from './deps.js';
import {
  laneDigestItem, laneLeaf, periodHeadKey, periodItem, periodLeafItem, type PeriodDigest, type StoredPeriod,
} from './digests.js';
import { readRegistryPage, type LaneToCover, type RegistryPage } from './lane-parts.js';
import { appendToFrontier, frontierRoot } from './merkle.js';
import { readLatestPeriod, readPeriod } from './reads.js';
import { auditRegistryKey, canonicalJson } from './record.js';
import { signDigest } from './signing.js';

export interface CloseOptions {
  /**
   * Epoch ms by which this call should have returned (the Lambda's remaining time, less what the
   * handler keeps for itself). A call always walks one registry page, then takes another only if
   * twice its slowest page still fits. Without it the call runs until the period is stored.
   */
  deadlineMs?: number;
}

export interface CloseResult {
  /** The period this call worked on: opened by it, or left open by an earlier call. */
  periodId?: string;
  /** The period is stored (by this call, or by another close: `superseded`) or had nothing to cover; false: call again. */
  done: boolean;
  /** The period was opened by an earlier call, which ran out of time: this call carried it on. */
  resumed: boolean;
  period?: StoredPeriod;
  /** What this call did: registry entries (lanes) walked, lanes and records covered, merchants among them. */
  lanesWalked: number;
  lanes: number;
  records: number;
  merchants: number;
  /** Lanes (`<merchant>:<lane>`) left for the next period because their new records do not chain (verify names the record). */
  skipped: string[];
  /** A previous period whose anchor had failed and was sent now. */
  reanchored?: string;
  /** Another close stored this period first; this one stored nothing itself. */
  superseded?: boolean;
}

/** Three items per lane (its digest, its leaf, its registry entry) and the closing period, in transactions of at most 100. */
const lanesPerTransaction = 33;

/** The closing period moved under this close in a way no close does (a registry entry or leaf changed behind it). */
export class AuditCloseConflictError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuditCloseConflictError';
  }
}

/**
 * Closes a period, in bounded steps that any later call resumes (docs/audit.md, "Closing a
 * period"). A period is opened with a cut time; each step walks a page of the lane registry and,
 * in one transaction per 33 lanes, stores each lane's part (its records up to its last one written
 * before the cut), advances the lane's closedSeq and the period's frontier. Once the registry is
 * walked, the root comes from the frontier, is signed in KMS and stored with the period chain's
 * head, then anchored on chain. The signed digest is stored before the anchor is sent, so a failed
 * send is retried by the next close rather than losing the period.
 */
export async function closePeriod(deps: AuditDeps, options: CloseOptions = {}): Promise<CloseResult> {
  const result: CloseResult = { done: false, resumed: false, lanesWalked: 0, lanes: 0, records: 0, merchants: 0, skipped: [] };
  const merchants = new Set<string>();
  const left = await readClosingPeriod(deps);
  result.resumed = left !== undefined;
  let closing = left ?? (await openNextPeriod(deps));
  if (!closing) return { ...result, done: true, superseded: true };
  result.periodId = closing.period_id;
  let slowestStepMs = 0;
  const budgetLeft = () => options.deadlineMs === undefined || Date.now() + 2 * slowestStepMs <= options.deadlineMs;
  let steps = 0;
  while (!closing.listed) {
    if (steps > 0 && !budgetLeft()) return { ...result, merchants: merchants.size };
    const started = Date.now();
    const page = await readRegistryPage(deps, closing.cursor, closing.cut_at);
    const next = await commitPage(deps, closing, page);
    steps += 1;
    slowestStepMs = Math.max(slowestStepMs, Date.now() - started);
    if (!next) {
      // Another close took this step first: carry on from where it left the period, if it is still open.
      const current = await readClosingPeriod(deps);
      if (current?.period_id !== result.periodId) return { ...result, merchants: merchants.size, done: true, superseded: true };
      closing = current;
      continue;
    }
    closing = next;
    result.lanesWalked += page.walked;
    result.lanes += page.parts.length;
    result.records += page.parts.reduce((sum, part) => sum + part.last_seq - part.first_seq + 1, 0);
    result.skipped.push(...page.skipped);
    for (const part of page.parts) merchants.add(part.merchant_id);
  }
  result.merchants = merchants.size;
  if (steps > 0 && !budgetLeft()) return result;
  return finishPeriod(deps, closing, result);
}

async function openNextPeriod(deps: AuditDeps): Promise<ClosingPeriod | undefined> {
  const previous = await readLatestPeriod(deps);
  return (await openPeriod(deps, deps.now(), previous)) ?? (await readClosingPeriod(deps));
}

/**
 * Stores the page's lane parts, 33 lanes a transaction, each with the closing period's next state
 * (cursor past its lanes, leaves added to the frontier): a step is whole or not at all. Undefined
 * when another close moved the closing period first.
 */
async function commitPage(deps: AuditDeps, closing: ClosingPeriod, page: RegistryPage): Promise<ClosingPeriod | undefined> {
  let state = closing;
  const chunks: LaneToCover[][] = [];
  for (let start = 0; start < page.parts.length; start += lanesPerTransaction) chunks.push(page.parts.slice(start, start + lanesPerTransaction));
  if (chunks.length === 0) chunks.push([]);
  for (const [i, chunk] of chunks.entries()) {
    const last = i === chunks.length - 1;
    let frontier: Buffer[] = state.frontier.map((h) => Buffer.from(h, 'hex'));
    const items: TransactWriteItem[] = [];
    chunk.forEach((part, offset) => {
      const index = state.size + offset;
      frontier = appendToFrontier(frontier, index, laneLeaf(part));
      items.push(...laneItems(deps.tableName, state.period_id, index, part));
    });
    const cursor = last ? page.lastSk ?? state.cursor : chunk.at(-1)!.registrySk;
    const next: ClosingPeriod = {
      ...state,
      ...(cursor ? { cursor } : {}),
      size: state.size + chunk.length,
      frontier: frontier.map((h) => h.toString('hex')),
      listed: last && page.end,
      step: state.step + 1,
    };
    items.push(advanceClosingItem(deps.tableName, state, next));
    if (!(await commitStep(deps, items))) return undefined;
    state = next;
  }
  return state;
}

/** True when committed, false when the closing period (the last item) moved; any other refusal is a conflict no close makes. */
async function commitStep(deps: AuditDeps, items: TransactWriteItem[]): Promise<boolean> {
  try {
    await deps.dynamodb.send(new TransactWriteItemsCommand({ TransactItems: items }));
    return true;
  } catch (error) {
    if (!isConditionRefusal(error)) throw error;
    if (conditionFailedAt(error, items.length - 1)) return false;
    throw new AuditCloseConflictError('a lane\'s registry entry, digest or leaf changed under the period close', { cause: error });
  }
}

function laneItems(tableName: string, periodId: string, index: number, part: LaneToCover): TransactWriteItem[] {
  const { registrySk: _registrySk, ...lanePart } = part;
  return [
    { Put: { TableName: tableName, Item: laneDigestItem({ ...lanePart, period_id: periodId, index }), ConditionExpression: 'attribute_not_exists(pk)' } },
    { Put: { TableName: tableName, Item: periodLeafItem(periodId, index, lanePart), ConditionExpression: 'attribute_not_exists(pk)' } },
    {
      Update: {
        TableName: tableName,
        Key: auditRegistryKey(part.merchant_id, part.lane),
        UpdateExpression: 'SET closedSeq = :last',
        // Covered once: the lane's previous closedSeq is what this part starts after.
        ConditionExpression: 'closedSeq = :before',
        ExpressionAttributeValues: { ':last': { N: String(part.last_seq) }, ':before': { N: String(part.first_seq - 1) } },
      },
    },
  ];
}

/**
 * Signs the period (root from the frontier) and stores it with the period chain's head, removing
 * the closing period in the same transaction: the head must still be the period the closing one
 * follows, so the chain of periods cannot fork. A period with no lanes is dropped unsigned.
 */
async function finishPeriod(deps: AuditDeps, closing: ClosingPeriod, result: CloseResult): Promise<CloseResult> {
  const previous = closing.previous_period_id ? await readPeriod(deps, closing.previous_period_id) : undefined;
  if (closing.size === 0) {
    if (!(await commitStep(deps, [removeClosingItem(deps.tableName, closing)]))) return { ...result, done: true, superseded: true };
    const reanchored = await reanchorPrevious(deps, previous);
    return { ...result, done: true, ...(reanchored ? { reanchored } : {}) };
  }
  const digest: PeriodDigest = {
    version: 3,
    period_id: closing.period_id,
    cut_at: closing.cut_at,
    closed_at: deps.now().toISOString(),
    root: frontierRoot(closing.frontier.map((h) => Buffer.from(h, 'hex'))).toString('hex'),
    size: closing.size,
    previous_period_id: closing.previous_period_id,
    previous_root: closing.previous_root,
  };
  const period: StoredPeriod = { digest, signature: await signDigest(deps.kms, deps.signingKeyId, canonicalJson(digest)), signingKeyId: deps.signingKeyId };
  if (!(await storePeriod(deps, period, closing))) {
    logger.info('audit close superseded: another close stored the period first', { periodId: closing.period_id });
    return { ...result, done: true, superseded: true };
  }
  await deps.archive?.(closing.period_id, JSON.stringify({ digest, signature: period.signature, signing_key_id: deps.signingKeyId }));
  // The previous period's retry goes first so the anchoring wallet sends one transaction at a time.
  const reanchored = await reanchorPrevious(deps, previous);
  const anchored = await anchorPeriod(deps, period);
  return { ...result, done: true, period: anchored ? { ...period, anchor: anchored } : period, ...(reanchored ? { reanchored } : {}) };
}

async function storePeriod(deps: AuditDeps, period: StoredPeriod, closing: ClosingPeriod): Promise<boolean> {
  const previousId = closing.previous_period_id;
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
            ConditionExpression: previousId ? '(attribute_not_exists(periodId) OR periodId = :previous)' : 'attribute_not_exists(periodId)',
            ExpressionAttributeValues: { ':id': { S: period.digest.period_id }, ...(previousId ? { ':previous': { S: previousId } } : {}) },
          },
        },
        removeClosingItem(deps.tableName, closing),
      ],
    }));
    return true;
  } catch (error) {
    if (isConditionRefusal(error)) return false;
    throw error;
  }
}
