import { ConditionalCheckFailedException, DeleteItemCommand, PutItemCommand, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { createHash, randomUUID } from 'node:crypto';
import { ValidationError } from '../errors/index.js';
import { IdempotencyKeyInUseError, IdempotencyKeyReusedError } from './errors.js';

/**
 * Stripe's idempotency semantics on one DynamoDB item per (merchant, key):
 * the same key and request replays the first response; a different request is refused (422);
 * a request still in flight is refused (409). The lock is taken with one conditional Put that
 * returns the existing item on failure, so a replay costs one request.
 */
export interface IdempotencyDeps {
  dynamodb: DynamoDBClient;
  tableName: string;
}

/** What the first request produced, replayed as is; the caller renders it (status and body). */
export type Acquired = { outcome: 'acquired'; lock: IdempotencyLock } | { outcome: 'replay'; result: unknown };

export interface IdempotencyLock {
  pk: string;
  token: string;
}

const retentionSeconds = 48 * 3600;
/** An in-flight lock older than this belongs to a request that died; a retry may take it over. */
const lockTimeoutMs = 30_000;

export function requestFingerprint(route: string, body: unknown): string {
  return createHash('sha256').update(route).update('\n').update(canonicalJson(body)).digest('base64url');
}

export async function acquireIdempotencyKey(
  deps: IdempotencyDeps,
  input: { merchantId: string; key: string; fingerprint: string; nowMs: number },
): Promise<Acquired> {
  const pk = `IDEMP#${input.merchantId}#${input.key}`;
  const token = randomUUID();
  try {
    await deps.dynamodb.send(
      new PutItemCommand({
        TableName: deps.tableName,
        Item: {
          pk: { S: pk },
          sk: { S: 'IDEMP' },
          entity: { S: 'idempotency' },
          state: { S: 'in_progress' },
          fingerprint: { S: input.fingerprint },
          token: { S: token },
          lockedUntilMs: { N: String(input.nowMs + lockTimeoutMs) },
          ttl: { N: String(Math.floor(input.nowMs / 1000) + retentionSeconds) },
        },
        ConditionExpression: 'attribute_not_exists(pk) OR (#state = :inProgress AND lockedUntilMs < :now AND fingerprint = :fp)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':inProgress': { S: 'in_progress' }, ':now': { N: String(input.nowMs) }, ':fp': { S: input.fingerprint } },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { outcome: 'acquired', lock: { pk, token } };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException) || !error.Item) throw error;
    const existing = error.Item;
    if (existing.fingerprint?.S !== input.fingerprint) {
      throw new IdempotencyKeyReusedError(input.key);
    }
    if (existing.state?.S !== 'completed') {
      throw new IdempotencyKeyInUseError(input.key);
    }
    return { outcome: 'replay', result: JSON.parse(existing.result?.S ?? 'null') };
  }
}

/** The transaction item that records the result, written with the state change it describes. */
export function completeIdempotencyItem(tableName: string, lock: IdempotencyLock, result: unknown): TransactWriteItem {
  return {
    Update: {
      TableName: tableName,
      Key: { pk: { S: lock.pk }, sk: { S: 'IDEMP' } },
      UpdateExpression: 'SET #state = :completed, #result = :result',
      ConditionExpression: '#token = :token',
      ExpressionAttributeNames: { '#state': 'state', '#token': 'token', '#result': 'result' },
      ExpressionAttributeValues: {
        ':completed': { S: 'completed' },
        ':result': { S: JSON.stringify(result) },
        ':token': { S: lock.token },
      },
    },
  };
}

/** Frees the key after an unexpected failure, so the client's retry runs the request again. */
export async function releaseIdempotencyKey(deps: IdempotencyDeps, lock: IdempotencyLock): Promise<void> {
  await deps.dynamodb
    .send(
      new DeleteItemCommand({
        TableName: deps.tableName,
        Key: { pk: { S: lock.pk }, sk: { S: 'IDEMP' } },
        ConditionExpression: '#token = :token AND #state = :inProgress',
        ExpressionAttributeNames: { '#token': 'token', '#state': 'state' },
        ExpressionAttributeValues: { ':token': { S: lock.token }, ':inProgress': { S: 'in_progress' } },
      }),
    )
    .catch((error: unknown) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    });
}

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` are the same request. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

const idempotencyKeyPattern = /^[\x21-\x7e]{1,255}$/;

/**
 * The Idempotency-Key header as the API takes it: 1-255 printable ASCII characters. Required on
 * creates; optional on capture and cancel, but checked the same way when sent.
 */
export function parseIdempotencyKey(value: string | undefined, options: { required: boolean; route: string }): string | undefined {
  if (value === undefined && !options.required) return undefined;
  if (value !== undefined && idempotencyKeyPattern.test(value)) return value;
  throw new ValidationError(`Send an Idempotency-Key header of 1-255 printable ASCII characters (e.g. a UUID) with ${options.route}.`, [
    { field: 'Idempotency-Key', message: value === undefined ? 'is required' : 'must be 1-255 printable ASCII characters' },
  ]);
}
