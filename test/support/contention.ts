import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { isTransactionConflict } from '#lib/platform/aws/transaction-conflicts.js';
import { ContentionError } from '#lib/platform/errors/index.js';

/**
 * Calls again after a ContentionError, after a random part of its Retry-After, as a merchant's
 * client does with a 503 `try_again`; anything else, or the deadline, ends it.
 */
export async function retryOnContention<T>(call: () => Promise<T>, deadlineMs = 90_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ContentionError) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * error.retryAfterSeconds * 1000));
    }
  }
}

/** Counts the conflicts each attempt of `client` meets, below the retrying middleware. */
export function countConflicts(client: DynamoDBClient): { count: () => number } {
  let conflicts = 0;
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (isTransactionConflict(error)) conflicts += 1;
        throw error;
      }
    },
    { step: 'build', name: 'testConflictCounter' },
  );
  return { count: () => conflicts };
}

/**
 * Makes the emulator cancel that fraction of the transactions on `tableName` with
 * TransactionConflict (scripts/stack/assets/moto_serial.py), for a test that owns the table.
 */
export async function setConflictRate(dynamodbEndpoint: string, tableName: string, rate: number): Promise<void> {
  const response = await fetch(`${dynamodbEndpoint}/_lanepay/conflict-rate`, { method: 'POST', body: JSON.stringify({ table: tableName, rate }) });
  if (response.status !== 204) throw new Error(`The DynamoDB emulator refused the conflict rate: ${response.status} ${await response.text()}`);
}
