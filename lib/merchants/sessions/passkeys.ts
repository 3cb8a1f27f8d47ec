import { ConditionalCheckFailedException, DeleteItemCommand, GetItemCommand, PutItemCommand, QueryCommand, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import {
  generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse,
  type AuthenticationResponseJSON, type PublicKeyCredentialCreationOptionsJSON, type PublicKeyCredentialRequestOptionsJSON, type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { writeAudited } from '#audit';
import { conditionFailedAt } from '#platform';
import { readMember } from '../members/members.js';
import type { SessionDeps } from './deps.js';
import { PasskeyInvalidError } from './errors.js';
import { challengeKey, memberPasskeysPartition, passkeyFromItem, passkeyItem, passkeyKey, type PasskeyRecord } from './passkey-items.js';
import type { CurrentSession } from './sessions.js';
import { limitSignIn, openSession, type SignedIn } from './sign-in.js';

/**
 * Passkeys (WebAuthn, with @simplewebauthn/server): a member registers one from a signed-in session,
 * then signs in with it without typing anything (a discoverable credential names its member). Each
 * ceremony's challenge is an item that lives 5 minutes and is spent by a conditional delete before the
 * answer is verified, so an answer is accepted once. The signature counter is written under the
 * condition that it is still the one read, in the sign-in's transaction.
 */
export interface RelyingParty {
  /** The host the console is served on (no port): WebAuthn binds credentials to it. */
  id: string;
  /** `https://console.example.com` (`http://localhost:4510` locally). */
  origin: string;
}

export const challengeTtlMs = 5 * 60_000;

type Purpose = 'registration' | 'authentication';

async function storeChallenge(deps: SessionDeps, challenge: string, purpose: Purpose, sessionId: string | undefined): Promise<void> {
  const expiresAtMs = deps.now().getTime() + challengeTtlMs;
  await deps.dynamodb.send(new PutItemCommand({
    TableName: deps.tableName,
    Item: {
      ...challengeKey(challenge), entity: { S: 'webauthn-challenge' }, purpose: { S: purpose }, expiresAtMs: { N: String(expiresAtMs) },
      ttl: { N: String(Math.ceil(expiresAtMs / 1000) + 3600) }, ...(sessionId ? { sessionId: { S: sessionId } } : {}),
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  }));
}

/** The challenge a client answered (from its clientDataJSON), spent: deleted only if it is this ceremony's, unexpired and unused. */
async function spendChallenge(deps: SessionDeps, clientDataJSON: string, purpose: Purpose, sessionId: string | undefined): Promise<string> {
  let challenge: string;
  try {
    challenge = String((JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown }).challenge ?? '');
  } catch (error) {
    throw new PasskeyInvalidError('The passkey answer carries no readable client data.', { cause: error });
  }
  if (!/^[A-Za-z0-9_-]{16,128}$/.test(challenge)) throw new PasskeyInvalidError('The passkey answer carries no challenge of ours.');
  try {
    await deps.dynamodb.send(new DeleteItemCommand({
      TableName: deps.tableName,
      Key: challengeKey(challenge),
      ConditionExpression: `attribute_exists(pk) AND purpose = :purpose AND expiresAtMs > :now${sessionId ? ' AND sessionId = :session' : ''}`,
      ExpressionAttributeValues: { ':purpose': { S: purpose }, ':now': { N: String(deps.now().getTime()) }, ...(sessionId ? { ':session': { S: sessionId } } : {}) },
    }));
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    throw new PasskeyInvalidError('The challenge is unknown, was used already, or expired; ask for new options.');
  }
  return challenge;
}

async function memberPasskeys(deps: SessionDeps, memberId: string): Promise<PasskeyRecord[]> {
  const found = await deps.dynamodb.send(new QueryCommand({
    TableName: deps.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': { S: memberPasskeysPartition(memberId) } },
  }));
  return (found.Items ?? []).map(passkeyFromItem);
}

/** Options for registering a passkey of the session's member (its passkeys excluded: one per authenticator). */
export async function passkeyRegistrationOptions(deps: SessionDeps, current: CurrentSession, rp: RelyingParty): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const { member, session } = current;
  const options = await generateRegistrationOptions({
    rpName: 'Lanepay', rpID: rp.id, userName: member.email, userDisplayName: member.email, userID: new TextEncoder().encode(member.id),
    attestationType: 'none', timeout: challengeTtlMs,
    excludeCredentials: (await memberPasskeys(deps, member.id)).map((passkey) => ({ id: passkey.credentialId, transports: passkey.transports })),
    // Discoverable (signing in asks no name) and verified by the device (PIN or biometrics): a second factor in itself.
    authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
  });
  await storeChallenge(deps, options.challenge, 'registration', session.id);
  return options;
}

/** Verifies a registration answer against its (spent) challenge and stores the passkey with its audit record. */
export async function registerPasskey(
  deps: SessionDeps,
  current: CurrentSession,
  rp: RelyingParty,
  input: { response: RegistrationResponseJSON; name?: string | undefined },
): Promise<{ id: string; name: string; created_at: string }> {
  const { member, session } = current;
  const challenge = await spendChallenge(deps, input.response.response.clientDataJSON, 'registration', session.id);
  let verified;
  try {
    verified = await verifyRegistrationResponse({ response: input.response, expectedChallenge: challenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: true });
  } catch (error) {
    throw new PasskeyInvalidError(`The passkey registration does not verify: ${(error as Error).message}`, { cause: error });
  }
  if (!verified.verified) throw new PasskeyInvalidError('The passkey registration does not verify.');
  const { credential } = verified.registrationInfo;
  const now = deps.now();
  const record: PasskeyRecord = {
    credentialId: credential.id, memberId: member.id, merchantId: member.merchantId, publicKey: Buffer.from(credential.publicKey).toString('base64url'),
    counter: credential.counter, transports: credential.transports ?? [], name: input.name ?? 'Passkey', createdAt: now.toISOString(),
  };
  try {
    await writeAudited(deps, {
      items: [{ Put: { TableName: deps.tableName, Item: passkeyItem(record), ConditionExpression: 'attribute_not_exists(pk)' } }],
      audit: { merchantId: member.merchantId, actor: { type: 'member', id: member.id }, action: 'member.passkey_registered', object: { type: 'passkey', id: credential.id }, at: now },
    });
  } catch (error) {
    if (conditionFailedAt(error, 0)) throw new PasskeyInvalidError('This passkey is registered already.');
    throw error;
  }
  return { id: record.credentialId, name: record.name, created_at: record.createdAt };
}

/** Options for signing in with a passkey: no credentials listed, the authenticator offers the member's own. */
export async function passkeySignInOptions(deps: SessionDeps, rp: RelyingParty): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const options = await generateAuthenticationOptions({ rpID: rp.id, userVerification: 'required', timeout: challengeTtlMs });
  await storeChallenge(deps, options.challenge, 'authentication', undefined);
  return options;
}

/**
 * Sign-in with a passkey: rate-limited as a code sign-in is (per source, and per member once the
 * credential names one), the challenge spent, the assertion verified (origin, relying party, user
 * verification, signature, a counter above the stored one), then ONE transaction: the counter moved
 * on under the condition that it is still the one read, the session and its audit record.
 */
export async function signInWithPasskey(deps: SessionDeps, rp: RelyingParty, input: { response: AuthenticationResponseJSON; sourceIp: string }): Promise<SignedIn> {
  const found = /^[A-Za-z0-9_-]{1,1400}$/.test(input.response.id)
    ? await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: passkeyKey(input.response.id), ConsistentRead: true }))
    : undefined;
  const passkey = found?.Item ? passkeyFromItem(found.Item) : undefined;
  await limitSignIn(deps, input.sourceIp, passkey?.memberId);
  if (!passkey) throw new PasskeyInvalidError('This passkey is not registered here.');
  const challenge = await spendChallenge(deps, input.response.response.clientDataJSON, 'authentication', undefined);
  const member = await readMember(deps, passkey.merchantId, passkey.memberId);
  if (member.revokedAt !== undefined) throw new PasskeyInvalidError('This passkey\'s member was revoked.');
  let verified;
  try {
    verified = await verifyAuthenticationResponse({
      response: input.response, expectedChallenge: challenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: true,
      credential: { id: passkey.credentialId, publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')), counter: passkey.counter, transports: passkey.transports as never },
    });
  } catch (error) {
    throw new PasskeyInvalidError(`The passkey answer does not verify: ${(error as Error).message}`, { cause: error });
  }
  if (!verified.verified) throw new PasskeyInvalidError('The passkey answer does not verify.');
  const now = deps.now();
  const moveCounter: TransactWriteItem = {
    Update: {
      TableName: deps.tableName,
      Key: passkeyKey(passkey.credentialId),
      UpdateExpression: 'SET #counter = :new, lastUsedAt = :at',
      // The counter read is still the stored one: two sign-ins with one counter value cannot both pass.
      ConditionExpression: '#counter = :old AND memberId = :member',
      ExpressionAttributeNames: { '#counter': 'counter' },
      ExpressionAttributeValues: { ':new': { N: String(verified.authenticationInfo.newCounter) }, ':old': { N: String(passkey.counter) }, ':at': { S: now.toISOString() }, ':member': { S: member.id } },
    },
  };
  return openSession(deps, member, 'passkey', [moveCounter], now, async (error) =>
    conditionFailedAt(error, 0) ? new PasskeyInvalidError('This passkey was used at the same moment elsewhere; sign in again.') : undefined);
}
