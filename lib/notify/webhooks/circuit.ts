import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { CircuitSettings, WebhookDeps } from './deps.js';
import type { EndpointRecord } from './items.js';

/**
 * A circuit breaker per endpoint, kept on the endpoint's item so every container sees it: after
 * `failureThreshold` failed attempts in a row (any of its deliveries) the circuit opens, and for
 * `cooldownMs` deliveries to it wait on the queue without calling it, so a receiver that hangs or
 * refuses holds no delivery worker for its timeout, over and over. The first delivery after the
 * cooldown tries it (half open): a success closes the circuit, a failure opens it again. Waiting
 * deliveries keep their attempt number: an open circuit spends none of their retries.
 */
export const defaultCircuit: CircuitSettings = { failureThreshold: 5, cooldownMs: 30_000 };

export function circuitOf(deps: Pick<WebhookDeps, 'circuit'>): CircuitSettings {
  return deps.circuit ?? defaultCircuit;
}

/** When the endpoint's circuit is open at `nowMs`, the time a held delivery may try again (spread a little, so they do not all try at once). */
export function heldUntil(record: EndpointRecord, nowMs: number, random: () => number): number | undefined {
  if (record.circuitOpenUntilMs === undefined || record.circuitOpenUntilMs <= nowMs) return undefined;
  return record.circuitOpenUntilMs + Math.floor(random() * 2_000);
}

/**
 * What a failed attempt adds to the endpoint's update: one more failure in a row, and the circuit
 * opened when that reaches the threshold. Parts of an expression, because the same update may also
 * start the endpoint's failure streak (one update per item in a transaction).
 */
export function failureClauses(deps: Pick<WebhookDeps, 'circuit'>, record: EndpointRecord, nowMs: number): {
  set: string[]; add: string; values: Record<string, AttributeValue>; openUntilMs?: number;
} {
  const { failureThreshold, cooldownMs } = circuitOf(deps);
  const add = 'consecutiveFailures :one';
  if ((record.consecutiveFailures ?? 0) + 1 < failureThreshold) return { set: [], add, values: { ':one': { N: '1' } } };
  const openUntilMs = nowMs + cooldownMs;
  return { set: ['circuitOpenUntilMs = :until'], add, values: { ':one': { N: '1' }, ':until': { N: String(openUntilMs) } }, openUntilMs };
}
