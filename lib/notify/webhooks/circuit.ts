import { ConditionalCheckFailedException, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { CircuitSettings, WebhookDeps } from './deps.js';
import { endpointKey, type EndpointRecord } from './items.js';

/**
 * A circuit breaker per endpoint, kept on the endpoint's item so every container sees it: after
 * `failureThreshold` failed attempts in a row (any of its deliveries) the circuit opens, and for
 * `cooldownMs` deliveries to it wait on the queue without calling it, so a receiver that hangs or
 * refuses holds no delivery worker for its timeout, over and over. One delivery after the
 * cooldown tries it (half open): a success closes the circuit, a failure opens it again. Waiting
 * deliveries keep their attempt number: an open circuit spends none of their retries.
 */
export const defaultCircuit: CircuitSettings = { failureThreshold: 5, cooldownMs: 30_000 };

export function circuitOf(deps: Pick<WebhookDeps, 'circuit'>): CircuitSettings {
  return deps.circuit ?? defaultCircuit;
}

/**
 * Whether a delivery may call the endpoint now, or the time it is held until. Closed: go. Open: held
 * until the cooldown ends (spread a little). Past the cooldown (half open): one delivery, the one
 * whose conditional update moves the cooldown on, is the trial; every other is held for the new
 * cooldown, so a recovering endpoint gets one call, not the whole backlog at once.
 */
export async function circuitGate(deps: Pick<WebhookDeps, 'dynamodb' | 'tableName' | 'circuit' | 'random'>, record: EndpointRecord, nowMs: number): Promise<{ go: true } | { go: false; heldUntilMs: number }> {
  const openUntilMs = record.circuitOpenUntilMs;
  if (openUntilMs === undefined) return { go: true };
  const spread = () => Math.floor(deps.random() * 2_000);
  if (openUntilMs > nowMs) return { go: false, heldUntilMs: openUntilMs + spread() };
  const nextMs = nowMs + circuitOf(deps).cooldownMs;
  try {
    await deps.dynamodb.send(new UpdateItemCommand({
      TableName: deps.tableName,
      Key: endpointKey(record.endpoint.id),
      UpdateExpression: 'SET circuitOpenUntilMs = :next',
      ConditionExpression: 'circuitOpenUntilMs = :seen',
      ExpressionAttributeValues: { ':next': { N: String(nextMs) }, ':seen': { N: String(openUntilMs) } },
    }));
    return { go: true };
  } catch (error) {
    // Another delivery took the trial (or a success closed the circuit: the next try goes through).
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    return { go: false, heldUntilMs: nextMs + spread() };
  }
}

/**
 * What a failed attempt adds to the endpoint's update: one more failure in a row, and the circuit
 * opened when that reaches the threshold (`openUntilMs` only when this failure opens it). Parts of an expression, because the same update may also
 * start the endpoint's failure streak (one update per item in a transaction).
 */
export function failureClauses(deps: Pick<WebhookDeps, 'circuit'>, record: EndpointRecord, nowMs: number): {
  set: string[]; add: string; values: Record<string, AttributeValue>; openUntilMs?: number;
} {
  const { failureThreshold, cooldownMs } = circuitOf(deps);
  const add = 'consecutiveFailures :one';
  if ((record.consecutiveFailures ?? 0) + 1 < failureThreshold) return { set: [], add, values: { ':one': { N: '1' } } };
  const openUntilMs = nowMs + cooldownMs;
  const values = { ':one': { N: '1' }, ':until': { N: String(openUntilMs) } };
  // Open already when this attempt's endpoint was read (a delivery in flight when it opened): the cooldown moves on, no new opening.
  const wasOpen = record.circuitOpenUntilMs !== undefined && record.circuitOpenUntilMs > nowMs;
  return { set: ['circuitOpenUntilMs = :until'], add, values, ...(wasOpen ? {} : { openUntilMs }) };
}
