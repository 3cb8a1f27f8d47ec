import { GetPublicKeyCommand, SignCommand, type KMSClient } from '@aws-sdk/client-kms';
import { createPublicKey, hash as oneShotHash, verify, type KeyObject } from 'node:crypto';

const publicKeys = new Map<string, Promise<KeyObject>>();

/** Signs `message` (canonical JSON of a period digest) with ECDSA P-256 / SHA-256 inside KMS; DER, base64. */
export async function signDigest(kms: KMSClient, keyId: string, message: string): Promise<string> {
  const result = await kms.send(new SignCommand({ KeyId: keyId, Message: Buffer.from(message, 'utf8'), MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' }));
  if (!result.Signature) throw new Error('KMS Sign returned no signature');
  return Buffer.from(result.Signature).toString('base64');
}

/** The signing key's public half (fetched once per key): what a third party verifies with, no KMS needed. */
export function signingPublicKey(kms: KMSClient, keyId: string): Promise<KeyObject> {
  let key = publicKeys.get(keyId);
  if (!key) {
    key = kms.send(new GetPublicKeyCommand({ KeyId: keyId })).then((result) => {
      if (!result.PublicKey) throw new Error(`KMS key ${keyId} has no public key`);
      return createPublicKey({ key: Buffer.from(result.PublicKey), format: 'der', type: 'spki' });
    });
    key.catch(() => publicKeys.delete(keyId));
    publicKeys.set(keyId, key);
  }
  return key;
}

/** False, never a throw, for a signature that is not DER at all (a tampered item). */
export function signatureHolds(publicKey: KeyObject, message: string, signatureBase64: string): boolean {
  try {
    return verify('sha256', Buffer.from(message, 'utf8'), publicKey, Buffer.from(signatureBase64, 'base64'));
  } catch {
    return false;
  }
}

/**
 * What a statement's signed message starts with (docs/statements.md). A period digest is canonical
 * JSON and starts with `{`, so the audit key's signature over one can never pass for the other.
 */
export const statementSignatureTag = 'LANEPAY-STATEMENT1 sha256:';

/**
 * The message signed for a statement: the tag and the SHA-256 (hex) of its text. KMS signs at most
 * 4 KB of raw message; a statement is larger, and its hash binds it as well.
 */
export function statementMessage(text: string): string {
  return statementSignatureTag + oneShotHash('sha256', text, 'hex');
}

/** Signs a statement's text with the audit signing key (statementMessage). */
export function signStatement(deps: { kms: KMSClient; signingKeyId: string }, text: string): Promise<string> {
  return signDigest(deps.kms, deps.signingKeyId, statementMessage(text));
}

export function statementSignatureHolds(publicKey: KeyObject, text: string, signatureBase64: string): boolean {
  return signatureHolds(publicKey, statementMessage(text), signatureBase64);
}
