import { GenerateMacCommand, KMSInvalidMacException, VerifyMacCommand, type KMSClient } from '@aws-sdk/client-kms';
import { randomBytes } from 'node:crypto';

/**
 * A console session's token, the value of its cookie and the console's `Authorization: Bearer` to the
 * API: `cs_<session id>.<MAC>`, the MAC a KMS HMAC-SHA-256 of the id under the console's session key.
 * The MAC is checked (VerifyMac) before the session item is read, so a made-up or altered token costs
 * no table read and a copy of the table is not a set of sessions.
 */
const tokenShape = /^cs_([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/;

/** Any bearer value that starts like a session token: the authorizer routes on this. */
export function looksLikeSessionToken(token: string): boolean {
  return token.startsWith('cs_');
}

export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

const macMessage = (sessionId: string) => Buffer.from(`lanepay-console-session:${sessionId}`, 'utf8');

export async function mintSessionToken(deps: { kms: KMSClient; sessionKeyId: string }, sessionId: string): Promise<string> {
  const result = await deps.kms.send(new GenerateMacCommand({ KeyId: deps.sessionKeyId, MacAlgorithm: 'HMAC_SHA_256', Message: macMessage(sessionId) }));
  if (!result.Mac) throw new Error('KMS GenerateMac returned no MAC');
  return `cs_${sessionId}.${Buffer.from(result.Mac).toString('base64url')}`;
}

/** The session id of a token whose MAC holds, or undefined for anything else. */
export async function verifiedSessionId(deps: { kms: KMSClient; sessionKeyId: string }, token: string | undefined): Promise<string | undefined> {
  const match = tokenShape.exec(token ?? '');
  if (!match) return undefined;
  const [, sessionId, mac] = match as unknown as [string, string, string];
  // Only the exact form issued: base64url's last character carries two unused bits, so four
  // spellings decode to the same MAC, and a token changed in them must be refused like any other.
  const macBytes = Buffer.from(mac, 'base64url');
  if (macBytes.toString('base64url') !== mac) return undefined;
  try {
    const result = await deps.kms.send(new VerifyMacCommand({
      KeyId: deps.sessionKeyId, MacAlgorithm: 'HMAC_SHA_256', Message: macMessage(sessionId), Mac: macBytes,
    }));
    return result.MacValid ? sessionId : undefined;
  } catch (error) {
    // KMS answers a MAC that does not verify with this exception rather than MacValid: false.
    if (error instanceof KMSInvalidMacException) return undefined;
    throw error;
  }
}
