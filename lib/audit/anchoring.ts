import { ConditionalCheckFailedException, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { logger } from '#platform';
import type { AuditDeps } from './deps.js';
import { periodKey, type StoredPeriod } from './digests.js';

/** How long one close's claim on sending a period's anchor holds before another close may send it. */
const anchorClaimMs = 10 * 60_000;

/** Sends the previous period's anchor if its first send failed; its id when it was sent now. */
export async function reanchorPrevious(deps: AuditDeps, previous: StoredPeriod | undefined): Promise<string | undefined> {
  if (!previous || previous.anchor) return undefined;
  return (await anchorPeriod(deps, previous)) ? previous.digest.period_id : undefined;
}

/**
 * Sends the period's anchor once: a conditional claim on the period item comes first, so two closes
 * never both send it (their transactions would race for the anchoring wallet's nonce). A claim that
 * outlives anchorClaimMs belongs to a close that died, and the next close takes it over.
 */
export async function anchorPeriod(deps: AuditDeps, period: StoredPeriod) {
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
