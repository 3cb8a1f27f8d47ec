import { ConditionalCheckFailedException, UpdateItemCommand, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import { MemberLockedError, OtpInvalidError, OtpReplayedError, OtpRequiredError } from './errors.js';
import { memberKey, type MemberRecord } from './items.js';
import { matchedTimeStep, openSecret } from './totp.js';

/** Five wrong codes in a row lock a member for 15 minutes. */
export const maxFailedCodes = 5;
export const lockoutMs = 15 * 60_000;

export interface OtpDeps {
  dynamodb: DynamoDBClient;
  kms: KMSClient;
  tableName: string;
}

/**
 * Checks a member's code and returns the transaction item that consumes it: the caller writes that
 * item in the same transaction as the change the code authorises, so a code is spent exactly when
 * the change happens. Its condition (a later time step than the last accepted, member not locked)
 * makes the check hold at the moment of the write, not only at this read: two requests racing with
 * one code cannot both pass. A wrong code is counted at once, in its own conditional update.
 */
export async function checkMemberCode(deps: OtpDeps, member: MemberRecord, code: string | undefined, now: Date): Promise<TransactWriteItem> {
  const nowMs = now.getTime();
  assertNotLocked(member, nowMs);
  if (code === undefined || code.trim() === '') throw new OtpRequiredError();
  const secret = await openSecret(deps, { merchantId: member.merchantId, memberId: member.id }, member.secret);
  const step = matchedTimeStep(secret, code.trim(), nowMs);
  if (step === undefined) return countWrongCode(deps, member, nowMs);
  if (member.lastStep !== undefined && step <= member.lastStep) throw new OtpReplayedError();
  return {
    Update: {
      TableName: deps.tableName,
      Key: memberKey(member.id),
      UpdateExpression: 'SET lastStep = :step, failedCodes = :zero',
      // Not revoked meanwhile either: a revocation racing the decision wins or loses whole.
      ConditionExpression: '(attribute_not_exists(lastStep) OR lastStep < :step) AND (attribute_not_exists(lockedUntilMs) OR lockedUntilMs <= :now) AND attribute_not_exists(revokedAt)',
      ExpressionAttributeValues: { ':step': { N: String(step) }, ':zero': { N: '0' }, ':now': { N: String(nowMs) } },
    },
  };
}

function assertNotLocked(member: Pick<MemberRecord, 'lockedUntilMs'>, nowMs: number): void {
  if (member.lockedUntilMs !== undefined && member.lockedUntilMs > nowMs) {
    throw new MemberLockedError(new Date(member.lockedUntilMs).toISOString(), Math.ceil((member.lockedUntilMs - nowMs) / 1000));
  }
}

/**
 * Counts a wrong code with an atomic ADD (concurrent guesses each count); the one that reaches the
 * limit sets the lock and resets the counter, conditioned on the count it saw so only one does.
 */
async function countWrongCode(deps: OtpDeps, member: MemberRecord, nowMs: number): Promise<never> {
  let failed: number;
  try {
    const counted = await deps.dynamodb.send(new UpdateItemCommand({
      TableName: deps.tableName,
      Key: memberKey(member.id),
      UpdateExpression: 'ADD failedCodes :one',
      ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lockedUntilMs) OR lockedUntilMs <= :now)',
      ExpressionAttributeValues: { ':one': { N: '1' }, ':now': { N: String(nowMs) } },
      ReturnValues: 'ALL_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    }));
    failed = Number(counted.Attributes?.failedCodes?.N ?? '1');
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    // Locked meanwhile by another wrong code.
    const lockedUntilMs = Number(error.Item?.lockedUntilMs?.N ?? nowMs + lockoutMs);
    throw new MemberLockedError(new Date(lockedUntilMs).toISOString(), Math.ceil((lockedUntilMs - nowMs) / 1000));
  }
  if (failed < maxFailedCodes) throw new OtpInvalidError(maxFailedCodes - failed);
  const lockedUntilMs = nowMs + lockoutMs;
  try {
    await deps.dynamodb.send(new UpdateItemCommand({
      TableName: deps.tableName,
      Key: memberKey(member.id),
      UpdateExpression: 'SET lockedUntilMs = :until, failedCodes = :zero',
      ConditionExpression: 'failedCodes = :seen',
      ExpressionAttributeValues: { ':until': { N: String(lockedUntilMs) }, ':zero': { N: '0' }, ':seen': { N: String(failed) } },
    }));
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    // Another wrong code locked the member first; the lock stands either way.
  }
  throw new MemberLockedError(new Date(lockedUntilMs).toISOString(), lockoutMs / 1000);
}
