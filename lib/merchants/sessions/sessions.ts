import { ConditionalCheckFailedException, DeleteItemCommand, GetItemCommand, UpdateItemCommand, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { getMerchantProfile } from '../merchants.js';
import { memberFromItem, memberKey, memberRoleOf, type MemberRecord, type MemberRole } from '../members/items.js';
import type { MerchantProfile } from '../profile.js';
import { sessionAbsoluteMs, sessionIdleMs } from './deps.js';
import { CsrfTokenError, SessionRequiredError } from './errors.js';
import { sessionFromItem, sessionItem, sessionKey, sessionLive, type SessionRecord } from './items.js';
import { newSessionId, verifiedSessionId } from './tokens.js';

type Table = { dynamodb: DynamoDBClient; tableName: string };
type Keys = Table & { kms: KMSClient; sessionKeyId: string; now: () => Date };

/** What the console page knows of its session: GET /console/session and every sign-in answer. */
export interface SessionView {
  member: { id: string; email: string; role: MemberRole; merchant_id: string; platform: boolean };
  csrf_token: string;
  expires_at: string;
  idle_expires_at: string;
}

export function sessionView(session: SessionRecord, member: MemberRecord, profile: MerchantProfile): SessionView {
  return {
    member: { id: member.id, email: member.email, role: memberRoleOf(member), merchant_id: member.merchantId, platform: profile.platform === true },
    csrf_token: session.csrfToken,
    expires_at: new Date(session.absoluteExpiresAtMs).toISOString(),
    idle_expires_at: new Date(Math.min(session.idleExpiresAtMs, session.absoluteExpiresAtMs)).toISOString(),
  };
}

/** A new session of `member` and the Put that creates it, to be written with what the sign-in spends (a code, a challenge). */
export function newSession(tableName: string, member: MemberRecord, method: SessionRecord['method'], now: Date): { record: SessionRecord; put: TransactWriteItem } {
  const nowMs = now.getTime();
  const record: SessionRecord = {
    id: newSessionId(), memberId: member.id, merchantId: member.merchantId, method, csrfToken: randomBytes(32).toString('base64url'),
    createdAtMs: nowMs, idleExpiresAtMs: nowMs + sessionIdleMs, absoluteExpiresAtMs: nowMs + sessionAbsoluteMs,
  };
  return { record, put: { Put: { TableName: tableName, Item: sessionItem(record), ConditionExpression: 'attribute_not_exists(pk)' } } };
}

/** A signed-in request's session, its member (active) and, when asked, the merchant's profile. */
export interface CurrentSession {
  session: SessionRecord;
  member: MemberRecord;
}

/**
 * The session a token names, checked in this order: the token's MAC (KMS), the session item (live:
 * neither expiry passed), its member (not revoked, same merchant). `touch` (the proxy) moves the idle
 * expiry on in the same conditional update that checks it, so two requests never revive an expired
 * session. A revoked member's session is deleted on its first request after the revocation.
 */
export async function currentSession(deps: Keys, token: string | undefined, options: { touch: boolean; endRevoked?: boolean }): Promise<CurrentSession> {
  const sessionId = await verifiedSessionId(deps, token);
  if (sessionId === undefined) throw new SessionRequiredError();
  const nowMs = deps.now().getTime();
  const session = options.touch ? await touchSession(deps, sessionId, nowMs) : await readLiveSession(deps, sessionId, nowMs);
  const found = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: memberKey(session.memberId), ConsistentRead: true }));
  const member = found.Item ? memberFromItem(found.Item) : undefined;
  if (!member || member.merchantId !== session.merchantId || member.revokedAt !== undefined) {
    if (options.endRevoked !== false) await endSession(deps, sessionId);
    throw new SessionRequiredError('This member was revoked: its console session ended.');
  }
  return { session, member };
}

/** The same, with the merchant's profile: what GET /console/session answers. */
export async function currentSessionView(deps: Keys, token: string | undefined): Promise<SessionView> {
  const { session, member } = await currentSession(deps, token, { touch: false });
  return sessionView(session, member, await getMerchantProfile(deps, member.merchantId));
}

const expired = () => new SessionRequiredError('This console session expired (15 minutes idle, or 12 hours since sign-in); sign in again.');

async function readLiveSession(deps: Table, sessionId: string, nowMs: number): Promise<SessionRecord> {
  const found = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: sessionKey(sessionId), ConsistentRead: true }));
  if (!found.Item) throw new SessionRequiredError();
  const session = sessionFromItem(found.Item);
  if (!sessionLive(session, nowMs)) throw expired();
  return session;
}

async function touchSession(deps: Table, sessionId: string, nowMs: number): Promise<SessionRecord> {
  try {
    const updated = await deps.dynamodb.send(new UpdateItemCommand({
      TableName: deps.tableName,
      Key: sessionKey(sessionId),
      UpdateExpression: 'SET idleExpiresAtMs = :idle',
      ConditionExpression: 'attribute_exists(pk) AND idleExpiresAtMs > :now AND absoluteExpiresAtMs > :now',
      ExpressionAttributeValues: { ':idle': { N: String(nowMs + sessionIdleMs) }, ':now': { N: String(nowMs) } },
      ReturnValues: 'ALL_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    }));
    return sessionFromItem(updated.Attributes!);
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    throw error.Item ? expired() : new SessionRequiredError();
  }
}

/** Signs out: the session item goes; its cookie is then worth nothing, wherever a copy is. */
export async function endSession(deps: Table, sessionId: string): Promise<void> {
  await deps.dynamodb.send(new DeleteItemCommand({ TableName: deps.tableName, Key: sessionKey(sessionId) }));
}

/** Every console write carries the session's CSRF token: a page of another site cannot read it. */
export function assertCsrfToken(session: SessionRecord, header: string | undefined): void {
  const expected = Buffer.from(session.csrfToken, 'utf8');
  const given = Buffer.from(header ?? '', 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new CsrfTokenError();
}
