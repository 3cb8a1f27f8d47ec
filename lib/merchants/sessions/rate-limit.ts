import { ConditionalCheckFailedException, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RateLimitedError } from '#platform';

/** At most `attempts` sign-ins per `windowMs` (a fixed window). */
export interface SignInLimit {
  attempts: number;
  windowMs: number;
}

/** Sign-in attempts per source address and per member (docs/security.md, "Console"). */
export interface SignInLimits {
  perSource: SignInLimit;
  perMember: SignInLimit;
}

export const defaultSignInLimits: SignInLimits = {
  perSource: { attempts: 30, windowMs: 5 * 60_000 },
  perMember: { attempts: 10, windowMs: 5 * 60_000 },
};

/** `SIGNINLIMIT#<who>#<window start>`: one counter per window, gone (TTL) a day after it. */
export function signInCounterKey(who: string, windowStartMs: number) {
  return { pk: { S: `SIGNINLIMIT#${who}#${windowStartMs}` }, sk: { S: 'LIMIT' } };
}

/**
 * Counts one sign-in attempt of `who` (`ip:203.0.113.7`, `member:mem_...`) in the current window, or
 * refuses it with 429 and the seconds until the window ends. One conditional ADD, no read first: two
 * attempts racing each count, and the one past the limit fails its own condition.
 */
export async function countSignInAttempt(
  deps: { dynamodb: DynamoDBClient; tableName: string },
  who: string,
  limit: SignInLimit,
  nowMs: number,
): Promise<void> {
  const windowStartMs = nowMs - (nowMs % limit.windowMs);
  const retryAfterSeconds = Math.max(1, Math.ceil((windowStartMs + limit.windowMs - nowMs) / 1000));
  try {
    await deps.dynamodb.send(new UpdateItemCommand({
      TableName: deps.tableName,
      Key: signInCounterKey(who, windowStartMs),
      UpdateExpression: 'ADD attempts :one SET entity = :entity, #ttl = :ttl',
      ConditionExpression: 'attribute_not_exists(attempts) OR attempts < :limit',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: {
        ':one': { N: '1' }, ':limit': { N: String(limit.attempts) }, ':entity': { S: 'sign-in-counter' },
        ':ttl': { N: String(Math.ceil((windowStartMs + limit.windowMs) / 1000) + 86_400) },
      },
    }));
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    throw new RateLimitedError(`Too many sign-in attempts; try again in ${retryAfterSeconds} s.`, retryAfterSeconds);
  }
}
