import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * A console session (lib/merchants/sessions): one item per session, keyed by its random id. The id
 * alone is not the credential: the cookie carries it with a KMS HMAC of it (tokens.ts), so a copy of
 * the table yields no working session.
 */
export interface SessionRecord {
  id: string;
  memberId: string;
  merchantId: string;
  /** How the member signed in. */
  method: 'totp' | 'passkey';
  /** Sent back in X-CSRF-Token on every write; random, never derived from the cookie. */
  csrfToken: string;
  createdAtMs: number;
  /** 15 minutes after the last request through the proxy. */
  idleExpiresAtMs: number;
  /** 12 hours after sign-in, whatever the activity. */
  absoluteExpiresAtMs: number;
}

export function sessionKey(sessionId: string) {
  return { pk: { S: `CONSOLESESSION#${sessionId}` }, sk: { S: 'SESSION' } };
}

export function sessionItem(record: SessionRecord): Record<string, AttributeValue> {
  return {
    ...sessionKey(record.id),
    entity: { S: 'console-session' },
    sessionId: { S: record.id },
    memberId: { S: record.memberId },
    merchantId: { S: record.merchantId },
    method: { S: record.method },
    csrfToken: { S: record.csrfToken },
    createdAtMs: { N: String(record.createdAtMs) },
    idleExpiresAtMs: { N: String(record.idleExpiresAtMs) },
    absoluteExpiresAtMs: { N: String(record.absoluteExpiresAtMs) },
    // DynamoDB removes it some time after it can no longer be used.
    ttl: { N: String(Math.ceil(record.absoluteExpiresAtMs / 1000) + 86_400) },
  };
}

/** Read without zod: the authorizer reads sessions, and its bundle stays free of classic zod. */
export function sessionFromItem(item: Record<string, AttributeValue>): SessionRecord {
  const text = (name: string) => {
    const value = item[name]?.S;
    if (value === undefined) throw new Error(`console session item without ${name}`);
    return value;
  };
  const number = (name: string) => {
    const value = Number(item[name]?.N);
    if (!Number.isFinite(value)) throw new Error(`console session item without ${name}`);
    return value;
  };
  const method = text('method');
  if (method !== 'totp' && method !== 'passkey') throw new Error(`console session item with method ${method}`);
  return {
    id: text('sessionId'), memberId: text('memberId'), merchantId: text('merchantId'), method, csrfToken: text('csrfToken'),
    createdAtMs: number('createdAtMs'), idleExpiresAtMs: number('idleExpiresAtMs'), absoluteExpiresAtMs: number('absoluteExpiresAtMs'),
  };
}

/** True while neither expiry has passed. */
export function sessionLive(record: SessionRecord, nowMs: number): boolean {
  return record.idleExpiresAtMs > nowMs && record.absoluteExpiresAtMs > nowMs;
}
