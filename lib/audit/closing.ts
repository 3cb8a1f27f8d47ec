import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, type AttributeValue, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { AuditDeps } from './deps.js';
import { closingPeriodKey, type StoredPeriod } from './digests.js';

/**
 * The period a close is working through (`AUDIT_PERIODS` / `#CLOSING`), kept between invocations:
 * where the walk of the registry stands and the compact frontier of the leaves so far. Every step
 * of every close that works on it is a transaction conditioned on `step`, so two closes at once
 * take turns on it and never add the same lane twice or fork the tree.
 */
export interface ClosingPeriod {
  period_id: string;
  /** Each lane's part ends at its last record whose `at` is before this (ISO time; the period id too). */
  cut_at: string;
  previous_period_id: string | null;
  previous_root: string | null;
  /** The registry sort key of the last lane walked; absent before the first. */
  cursor?: string;
  /** Leaves added so far: the next lane's leaf index. */
  size: number;
  /** Roots of the perfect subtrees of the leaves so far, largest first (hex). */
  frontier: string[];
  /** The registry has been walked to its end: what is left is signing and storing the period. */
  listed: boolean;
  /** Bumped by every write; the condition of the next. */
  step: number;
}

export async function readClosingPeriod(deps: Pick<AuditDeps, 'dynamodb' | 'tableName'>): Promise<ClosingPeriod | undefined> {
  const { Item } = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: closingPeriodKey, ConsistentRead: true }));
  return Item?.state?.S ? (JSON.parse(Item.state.S) as ClosingPeriod) : undefined;
}

/**
 * Opens a period cut at `now`, after `previous`. Refused (undefined) when another close opened
 * one first: the caller then works on that one. A cut is always after the previous one (a clock
 * behind the previous close's would otherwise give an id that sorts before its predecessor's).
 */
export async function openPeriod(deps: Pick<AuditDeps, 'dynamodb' | 'tableName'>, now: Date, previous: StoredPeriod | undefined): Promise<ClosingPeriod | undefined> {
  const previousCutMs = previous ? Date.parse(previous.digest.period_id) : Number.NaN;
  const cutAt = new Date(Number.isNaN(previousCutMs) ? now.getTime() : Math.max(now.getTime(), previousCutMs + 1));
  const closing: ClosingPeriod = {
    period_id: cutAt.toISOString(),
    cut_at: cutAt.toISOString(),
    previous_period_id: previous?.digest.period_id ?? null,
    previous_root: previous?.digest.root ?? null,
    size: 0,
    frontier: [],
    listed: false,
    step: 0,
  };
  try {
    await deps.dynamodb.send(new PutItemCommand({ TableName: deps.tableName, Item: closingItem(closing), ConditionExpression: 'attribute_not_exists(pk)' }));
    return closing;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

function closingItem(closing: ClosingPeriod): Record<string, AttributeValue> {
  return { ...closingPeriodKey, entity: { S: 'audit-closing-period' }, periodId: { S: closing.period_id }, step: { N: String(closing.step) }, state: { S: JSON.stringify(closing) } };
}

/** Replaces the closing period with its next state, on condition that no other close moved it since `from`. */
export function advanceClosingItem(tableName: string, from: ClosingPeriod, next: ClosingPeriod): TransactWriteItem {
  return {
    Put: {
      TableName: tableName,
      Item: closingItem({ ...next, step: from.step + 1 }),
      ConditionExpression: 'step = :step AND periodId = :period',
      ExpressionAttributeValues: { ':step': { N: String(from.step) }, ':period': { S: from.period_id } },
    },
  };
}

/** Removes the closing period once it is stored (or found empty), on the same condition. */
export function removeClosingItem(tableName: string, from: ClosingPeriod): TransactWriteItem {
  return {
    Delete: {
      TableName: tableName,
      Key: closingPeriodKey,
      ConditionExpression: 'step = :step AND periodId = :period',
      ExpressionAttributeValues: { ':step': { N: String(from.step) }, ':period': { S: from.period_id } },
    },
  };
}
