import { GetItemCommand, type DynamoDBClient, type TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { AuthenticationResponseJSON, verifyAuthenticationResponse } from '@simplewebauthn/server';

/**
 * @simplewebauthn/server's verifier, handed in by the caller: the approvals function loads the library
 * (about 280 KiB bundled, its ASN.1 parsers) on its first passkey decision, not at every cold start.
 */
export type PasskeyVerifier = typeof verifyAuthenticationResponse;
import type { MemberRecord } from '../members/items.js';
import { PasskeyInvalidError } from './errors.js';
import { challengeKey, passkeyFromItem, passkeyKey } from './passkey-items.js';
import type { RelyingParty } from './passkeys.js';

/**
 * A passkey as the second factor of an approval decision, instead of a TOTP code: the member's
 * device signs a challenge made for one approval request and its change_hash (what members see is
 * what is applied), and the decision's transaction spends it: the challenge deleted under the
 * condition that it is this member's, for this request and hash, and unexpired; the counter moved on
 * under the condition that it is still the one read.
 */
type Table = { dynamodb: DynamoDBClient; tableName: string; now: () => Date };

/** The `Lanepay-Passkey` header: the browser's AuthenticationResponseJSON, as base64url of its JSON. */
export function parsePasskeyHeader(header: string): AuthenticationResponseJSON {
  try {
    const parsed = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as AuthenticationResponseJSON;
    if (typeof parsed?.id !== 'string' || typeof parsed.response?.clientDataJSON !== 'string') throw new Error('not a WebAuthn answer');
    return parsed;
  } catch (error) {
    throw new PasskeyInvalidError('Lanepay-Passkey must be the base64url JSON of the browser\'s answer (PublicKeyCredential.toJSON()).', { cause: error });
  }
}

/**
 * Verifies a member's passkey answer for an approval and returns the items that spend it, for the
 * decision's transaction: [challenge spent, counter moved on]. Nothing is written here.
 */
export async function checkMemberPasskey(
  deps: Table,
  member: MemberRecord,
  approval: { id: string; change_hash?: string | null | undefined },
  rp: RelyingParty,
  answer: AuthenticationResponseJSON,
  verifyAuthenticationResponse: PasskeyVerifier,
): Promise<TransactWriteItem[]> {
  const nowMs = deps.now().getTime();
  const found = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: passkeyKey(answer.id), ConsistentRead: true }));
  const passkey = found.Item ? passkeyFromItem(found.Item) : undefined;
  if (!passkey || passkey.memberId !== member.id) throw new PasskeyInvalidError('This passkey is not one of this member\'s.');
  let challenge: string;
  try {
    challenge = String((JSON.parse(Buffer.from(answer.response.clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown }).challenge);
  } catch (error) {
    throw new PasskeyInvalidError('The passkey answer carries no readable client data.', { cause: error });
  }
  const stored = await deps.dynamodb.send(new GetItemCommand({ TableName: deps.tableName, Key: challengeKey(challenge), ConsistentRead: true }));
  const item = stored.Item;
  if (!item || item.purpose?.S !== 'approval' || item.memberId?.S !== member.id || Number(item.expiresAtMs?.N) <= nowMs) {
    throw new PasskeyInvalidError('The challenge is unknown, was used already, expired, or is another member\'s; ask for new options.');
  }
  if (item.approvalId?.S !== approval.id || item.changeHash?.S !== approval.change_hash) {
    throw new PasskeyInvalidError('This passkey answer was made for another request, or for this request before its change was altered.');
  }
  let verified;
  try {
    verified = await verifyAuthenticationResponse({
      response: answer, expectedChallenge: challenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: true,
      credential: { id: passkey.credentialId, publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')), counter: passkey.counter, transports: passkey.transports as never },
    });
  } catch (error) {
    throw new PasskeyInvalidError(`The passkey answer does not verify: ${(error as Error).message}`, { cause: error });
  }
  if (!verified.verified) throw new PasskeyInvalidError('The passkey answer does not verify.');
  return [
    {
      Delete: {
        TableName: deps.tableName,
        Key: challengeKey(challenge),
        ConditionExpression: 'purpose = :purpose AND memberId = :member AND approvalId = :approval AND changeHash = :hash AND expiresAtMs > :now',
        ExpressionAttributeValues: {
          ':purpose': { S: 'approval' }, ':member': { S: member.id }, ':approval': { S: approval.id }, ':hash': { S: approval.change_hash ?? '' }, ':now': { N: String(nowMs) },
        },
      },
    },
    {
      Update: {
        TableName: deps.tableName,
        Key: passkeyKey(passkey.credentialId),
        UpdateExpression: 'SET #counter = :new',
        ConditionExpression: '#counter = :old',
        ExpressionAttributeNames: { '#counter': 'counter' },
        ExpressionAttributeValues: { ':new': { N: String(verified.authenticationInfo.newCounter) }, ':old': { N: String(passkey.counter) } },
      },
    },
  ];
}
