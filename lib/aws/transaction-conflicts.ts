import { TransactionCanceledException, TransactionConflictException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ContentionError } from '../errors/index.js';
import { fullJitterDelayMs, sleep } from './backoff.js';
import { retryDeadline } from './retry-deadline.js';

export interface ConflictRetryOptions {
  /**
   * How long after the first attempt a conflicted write may still be retried. A time, not a count:
   * eight attempts (about 0.9 s of backoff) ran out while a burst of a hundred requests queued on one
   * merchant's items. Six seconds stays inside the deployed functions' 10 s timeout.
   */
  budgetMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultConflictRetries: ConflictRetryOptions = { budgetMs: 6_000, baseDelayMs: 15, maxDelayMs: 800 };

/**
 * True for a write DynamoDB refused only because another request held one of its items: a
 * transaction cancelled with `TransactionConflict` (and no condition failing), or a single write
 * that met a transaction in progress. Nothing was written, so the same request may be sent again.
 */
export function isTransactionConflict(error: unknown): boolean {
  if (error instanceof TransactionConflictException) return true;
  if (!(error instanceof TransactionCanceledException)) return false;
  const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
  return codes.includes('TransactionConflict') && codes.every((code) => code === 'TransactionConflict' || code === 'None');
}

/** True for a transaction DynamoDB cancelled because one of its conditions failed: another writer came first. */
export function isConditionRefusal(error: unknown): boolean {
  return error instanceof TransactionCanceledException && (error.CancellationReasons ?? []).some((reason) => reason.Code === 'ConditionalCheckFailed');
}

/**
 * Retries conflicted writes on this client with full-jitter exponential backoff, then gives up with
 * a ContentionError (a 503 `try_again` at the HTTP edge). The SDK's own retry strategy classifies
 * these cancellations as client errors and never retries them, and every caller that catches
 * TransactionCanceledException reads it as "a condition failed": retrying here, below all callers,
 * keeps a transient conflict from ever being mistaken for a refusal. It resends the same request,
 * never another: a writer whose own condition failed (an audit record on a moved head) retries that
 * itself, where it builds the transaction (lib/audit/writer.ts).
 */
export function retryTransactionConflicts<C extends DynamoDBClient>(client: C, options: ConflictRetryOptions = defaultConflictRetries): C {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const giveUpAt = retryDeadline(context, options.budgetMs);
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await next(args);
        } catch (error) {
          if (!isTransactionConflict(error)) throw error;
          if (Date.now() >= giveUpAt) throw new ContentionError(1, { cause: error });
          await sleep(fullJitterDelayMs(attempt - 1, options));
        }
      }
    },
    { step: 'initialize', name: 'lanepayTransactionConflictRetry', override: true },
  );
  return client;
}

/**
 * True for a transaction cancelled because the condition on its item at `index` failed: for callers
 * to whom it matters which item refused (a duplicate id, a lost race, a taken email).
 */
export function conditionFailedAt(error: unknown, index: number): boolean {
  return error instanceof TransactionCanceledException && error.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed';
}
