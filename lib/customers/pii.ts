import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand, GenerateMacCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { CreateVerificationBody } from '../kyc/schemas.js';

/**
 * PII at rest: envelope encryption. KMS GenerateDataKey under the data key gives a fresh AES-256
 * key per verification, bound by the encryption context to its merchant and customer (a ciphertext
 * copied onto another customer does not decrypt); the data is sealed locally with AES-256-GCM
 * (node:crypto, so the payload never travels to KMS and has no 4 KB limit). Only the encrypted key
 * is stored beside it: erasing the envelope erases the data for good.
 */
export interface PiiDeps {
  kms: KMSClient;
  dataKeyId: string;
}

/** Everything the verification request carries that identifies the person. */
export type Pii = Pick<CreateVerificationBody, 'name' | 'birth_date' | 'document' | 'phone' | 'address'>;

export interface SealedPii {
  /** The data key, encrypted by KMS (base64). */
  key: string;
  iv: string;
  tag: string;
  data: string;
}

export interface PiiOwner {
  merchantId: string;
  customerId: string;
}

const context = (owner: PiiOwner) => ({ merchant: owner.merchantId, customer: owner.customerId });

export async function sealPii(deps: PiiDeps, owner: PiiOwner, pii: Pii): Promise<SealedPii> {
  const generated = await deps.kms.send(new GenerateDataKeyCommand({ KeyId: deps.dataKeyId, KeySpec: 'AES_256', EncryptionContext: context(owner) }));
  const key = Buffer.from(generated.Plaintext!);
  try {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    // The owner is authenticated data too: a swapped envelope fails at the tag, not only at KMS.
    cipher.setAAD(Buffer.from(`${owner.merchantId}/${owner.customerId}`));
    const data = Buffer.concat([cipher.update(JSON.stringify(pii), 'utf8'), cipher.final()]);
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

export async function openPii(deps: Pick<PiiDeps, 'kms'>, owner: PiiOwner, sealed: SealedPii): Promise<Pii> {
  const decrypted = await deps.kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from(sealed.key, 'base64'), EncryptionContext: context(owner) }));
  const key = Buffer.from(decrypted.Plaintext!);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(`${owner.merchantId}/${owner.customerId}`));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    const text = Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
    return JSON.parse(text) as Pii;
  } finally {
    key.fill(0);
  }
}

/**
 * The idempotency fingerprint of a request carrying PII, keyed by a KMS HMAC key: a plain SHA-256
 * of a name, birth date and identity number could be confirmed by guessing (their entropy is low),
 * so what the idempotency record stores is useless without the key.
 */
export async function keyedFingerprint(deps: { kms: KMSClient; fingerprintKeyId: string }, fingerprint: string): Promise<string> {
  const result = await deps.kms.send(new GenerateMacCommand({ KeyId: deps.fingerprintKeyId, MacAlgorithm: 'HMAC_SHA_256', Message: Buffer.from(fingerprint, 'utf8') }));
  return Buffer.from(result.Mac!).toString('base64url');
}

/** The last four characters, the only readable trace of a number. */
export function last4(value: string | undefined | null): string | null {
  if (!value) return null;
  const compact = value.replace(/[^0-9A-Za-z]/g, '');
  return compact.length === 0 ? null : compact.slice(-4).toUpperCase();
}
