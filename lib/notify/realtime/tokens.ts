import { ConditionalCheckFailedException, DeleteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { createHash, randomBytes } from 'node:crypto';
import { NotFoundError } from '#platform';
import { chargeBelongsTo, paymentBelongsTo } from './connections.js';
import type { RealtimeStoreDeps } from './deps.js';
import { RealtimeTokenError } from './errors.js';

/**
 * Browsers cannot set an Authorization header on a WebSocket, so a merchant's server trades its API
 * key for a short-lived, single-use token that the browser puts in the connect URL (`?token=`).
 * Only the token's SHA-256 is stored: a table read leaks no usable token. A token issued for one
 * payment (a customer's checkout page) opens a connection that can watch that payment only; one
 * issued without (the merchant's own dashboard) can watch all the merchant's events. A token issued
 * for one charge (by the hosted checkout page itself, api/pages/checkout) watches that charge's public view.
 */
const tokenPattern = /^wst_[A-Za-z0-9_-]{43}$/;

export interface NewToken {
  token: string;
  hash: string;
  expiresAtMs: number;
}

export function hashRealtimeToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A fresh token (256 random bits) and when it stops opening connections. */
export function newRealtimeToken(nowMs: number, ttlMs: number, random: (bytes: number) => Buffer = randomBytes): NewToken {
  const token = `wst_${random(32).toString('base64url')}`;
  return { token, hash: hashRealtimeToken(token), expiresAtMs: nowMs + ttlMs };
}

export function isWellFormedToken(token: string | undefined): token is string {
  return token !== undefined && tokenPattern.test(token);
}

export function tokenKey(hash: string) {
  return { pk: { S: `WSTOKEN#${hash}` }, sk: { S: 'WSTOKEN' } };
}

/** What a token (and so its connection) may watch: one payment, one charge, or every event of the merchant. */
export interface TokenScope {
  merchantId: string;
  paymentId?: string;
  chargeId?: string;
}

/**
 * Issues a token for `scope`; DynamoDB's TTL removes it once expired and unused. A payment or charge
 * scope must be the merchant's (else NotFoundError, as the REST API answers for another's), and a
 * token is scoped to one of them at most.
 */
export async function issueRealtimeToken(
  deps: RealtimeStoreDeps & { tokenTtlMs: number },
  scope: TokenScope,
): Promise<{ token: string; expiresAt: string }> {
  if (scope.paymentId !== undefined && !(await paymentBelongsTo(deps, scope.merchantId, scope.paymentId))) {
    throw new NotFoundError('payment', scope.paymentId);
  }
  if (scope.paymentId !== undefined && scope.chargeId !== undefined) throw new Error('a realtime token is scoped to a payment or a charge, not both');
  if (scope.chargeId !== undefined && !(await chargeBelongsTo(deps, scope.merchantId, scope.chargeId))) {
    throw new NotFoundError('charge', scope.chargeId);
  }
  const issued = newRealtimeToken(deps.now().getTime(), deps.tokenTtlMs);
  await deps.dynamodb.send(
    new PutItemCommand({
      TableName: deps.tableName,
      Item: {
        ...tokenKey(issued.hash),
        entity: { S: 'realtime_token' },
        merchantId: { S: scope.merchantId },
        ...(scope.paymentId !== undefined ? { paymentId: { S: scope.paymentId } } : {}),
        ...(scope.chargeId !== undefined ? { chargeId: { S: scope.chargeId } } : {}),
        expiresAtMs: { N: String(issued.expiresAtMs) },
        ttl: { N: String(Math.ceil(issued.expiresAtMs / 1000)) },
      },
      // 256 random bits do not collide; the condition keeps that an invariant rather than a hope.
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return { token: issued.token, expiresAt: new Date(issued.expiresAtMs).toISOString() };
}

/**
 * Spends a token: one conditional delete that succeeds only for an issued, unexpired, unused token,
 * so two connections racing with the same token cannot both win. Returns the scope it was issued for.
 */
export async function consumeRealtimeToken(deps: RealtimeStoreDeps, token: string | undefined): Promise<TokenScope> {
  if (!isWellFormedToken(token)) throw new RealtimeTokenError('malformed');
  try {
    const result = await deps.dynamodb.send(
      new DeleteItemCommand({
        TableName: deps.tableName,
        Key: tokenKey(hashRealtimeToken(token)),
        // TTL deletion lags expiry by up to days, so expiry is checked here, not left to TTL.
        ConditionExpression: 'attribute_exists(pk) AND expiresAtMs > :now',
        ExpressionAttributeValues: { ':now': { N: String(deps.now().getTime()) } },
        ReturnValues: 'ALL_OLD',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    const merchantId = result.Attributes?.merchantId?.S;
    if (!merchantId) throw new Error('realtime token item has no merchantId');
    const paymentId = result.Attributes?.paymentId?.S;
    const chargeId = result.Attributes?.chargeId?.S;
    return { merchantId, ...(paymentId !== undefined ? { paymentId } : {}), ...(chargeId !== undefined ? { chargeId } : {}) };
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) {
      throw new RealtimeTokenError(error.Item ? 'expired' : 'unknown_or_used', { cause: error });
    }
    throw error;
  }
}
