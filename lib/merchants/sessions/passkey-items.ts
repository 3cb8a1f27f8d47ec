import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** A member's registered passkey (WebAuthn credential), keyed by its credential id (base64url). */
export interface PasskeyRecord {
  credentialId: string;
  memberId: string;
  merchantId: string;
  /** COSE public key, base64url. */
  publicKey: string;
  /** The authenticator's signature counter at its last use (0 for authenticators that keep none). */
  counter: number;
  transports: string[];
  name: string;
  createdAt: string;
}

export function passkeyKey(credentialId: string) {
  return { pk: { S: `PASSKEY#${credentialId}` }, sk: { S: 'PASSKEY' } };
}

/** The gsi1 partition listing a member's passkeys (a new registration excludes them). */
export function memberPasskeysPartition(memberId: string): string {
  return `MEMBERPASSKEYS#${memberId}`;
}

/** A WebAuthn challenge, single use: deleted (conditionally) by the ceremony that spends it. */
export function challengeKey(challenge: string) {
  return { pk: { S: `WEBAUTHNCHALLENGE#${challenge}` }, sk: { S: 'CHALLENGE' } };
}

export function passkeyItem(record: PasskeyRecord): Record<string, AttributeValue> {
  return {
    ...passkeyKey(record.credentialId),
    entity: { S: 'passkey' },
    credentialId: { S: record.credentialId },
    memberId: { S: record.memberId },
    merchantId: { S: record.merchantId },
    publicKey: { S: record.publicKey },
    counter: { N: String(record.counter) },
    transports: { S: JSON.stringify(record.transports) },
    name: { S: record.name },
    createdAt: { S: record.createdAt },
    gsi1pk: { S: memberPasskeysPartition(record.memberId) },
    gsi1sk: { S: record.credentialId },
  };
}

export function passkeyFromItem(item: Record<string, AttributeValue>): PasskeyRecord {
  const text = (name: string) => {
    const value = item[name]?.S;
    if (value === undefined) throw new Error(`passkey item without ${name}`);
    return value;
  };
  return {
    credentialId: text('credentialId'), memberId: text('memberId'), merchantId: text('merchantId'), publicKey: text('publicKey'),
    counter: Number(item.counter?.N ?? '0'), transports: JSON.parse(text('transports')) as string[], name: text('name'), createdAt: text('createdAt'),
  };
}
