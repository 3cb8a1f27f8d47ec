import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';

/**
 * Envelope encryption at rest. KMS GenerateDataKey gives a fresh AES-256 key per seal, bound by the
 * encryption context to its owner (a ciphertext copied onto another owner does not decrypt); the
 * data is sealed locally with AES-256-GCM (node:crypto, so the payload never travels to KMS and has
 * no 4 KB limit). Only the encrypted key is stored beside it: erasing the envelope erases the data.
 */
export interface Envelope {
  /** The data key, encrypted by KMS (base64). */
  key: string;
  iv: string;
  tag: string;
  data: string;
}

/**
 * Whom an envelope belongs to: the KMS encryption context, and the same owner as GCM's
 * authenticated data, so a swapped envelope fails at the tag, not only at KMS.
 */
export interface EnvelopeOwner {
  context: Record<string, string>;
  aad: string;
}

/** The owner of something one merchant holds about one of its `kind` (a customer, a member). */
export function merchantOwner(merchantId: string, kind: string, id: string): EnvelopeOwner {
  return { context: { merchant: merchantId, [kind]: id }, aad: `${merchantId}/${id}` };
}

export async function sealEnvelope(deps: { kms: KMSClient; dataKeyId: string }, owner: EnvelopeOwner, plaintext: string): Promise<Envelope> {
  const generated = await deps.kms.send(new GenerateDataKeyCommand({ KeyId: deps.dataKeyId, KeySpec: 'AES_256', EncryptionContext: owner.context }));
  const key = Buffer.from(generated.Plaintext!);
  try {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(owner.aad));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return {
      key: Buffer.from(generated.CiphertextBlob!).toString('base64'),
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    };
  } finally {
    key.fill(0);
  }
}

export async function openEnvelope(deps: { kms: KMSClient }, owner: EnvelopeOwner, sealed: Envelope): Promise<string> {
  const decrypted = await deps.kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from(sealed.key, 'base64'), EncryptionContext: owner.context }));
  const key = Buffer.from(decrypted.Plaintext!);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(owner.aad));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
  } finally {
    key.fill(0);
  }
}
