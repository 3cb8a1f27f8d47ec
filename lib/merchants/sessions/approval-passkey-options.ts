import { PutItemCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { generateAuthenticationOptions, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { MemberRecord } from '../members/items.js';
import { PasskeyInvalidError } from './errors.js';
import { challengeKey, memberPasskeysPartition, passkeyFromItem } from './passkey-items.js';
import type { RelyingParty } from './passkeys.js';

/** How long a member has to sign an approval's challenge. */
export const approvalChallengeTtlMs = 5 * 60_000;

type Table = { dynamodb: DynamoDBClient; tableName: string; now: () => Date };

/** Options for signing one approval request's change with one of the member's passkeys. */
export async function approvalPasskeyOptions(
  deps: Table,
  member: MemberRecord,
  rp: RelyingParty,
  input: { approvalId: string; changeHash: string },
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const found = await deps.dynamodb.send(new QueryCommand({
    TableName: deps.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': { S: memberPasskeysPartition(member.id) } },
  }));
  const passkeys = (found.Items ?? []).map(passkeyFromItem);
  if (passkeys.length === 0) throw new PasskeyInvalidError('This member has no passkey; register one first, or decide with a one-time code.');
  const options = await generateAuthenticationOptions({
    rpID: rp.id, userVerification: 'required', timeout: approvalChallengeTtlMs,
    allowCredentials: passkeys.map((passkey) => ({ id: passkey.credentialId, transports: passkey.transports })),
  });
  const expiresAtMs = deps.now().getTime() + approvalChallengeTtlMs;
  await deps.dynamodb.send(new PutItemCommand({
    TableName: deps.tableName,
    Item: {
      ...challengeKey(options.challenge), entity: { S: 'webauthn-challenge' }, purpose: { S: 'approval' }, memberId: { S: member.id },
      approvalId: { S: input.approvalId }, changeHash: { S: input.changeHash }, expiresAtMs: { N: String(expiresAtMs) }, ttl: { N: String(Math.ceil(expiresAtMs / 1000) + 3600) },
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  }));
  return options;
}

