import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { Secret, TOTP } from 'otpauth';

/**
 * TOTP per RFC 6238 (SHA-1, 6 digits, 30 s: what every authenticator app reads) through the
 * maintained `otpauth` library. One step either side of now is accepted for clock drift.
 */
export const totpPeriodSeconds = 30;
export const totpWindowSteps = 1;

export function totpFor(secretBase32: string, label: string): TOTP {
  return new TOTP({ issuer: 'Lanepay', label, algorithm: 'SHA1', digits: 6, period: totpPeriodSeconds, secret: Secret.fromBase32(secretBase32) });
}

/** A fresh 160-bit secret (the size RFC 4226 recommends), base32 as authenticator apps expect. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/**
 * The time step a code belongs to, or undefined for a wrong code. The step is what replay
 * protection stores: a code is accepted only for a step later than the last one used.
 */
export function matchedTimeStep(secretBase32: string, code: string, nowMs: number): number | undefined {
  if (!/^[0-9]{6}$/.test(code)) return undefined;
  const totp = totpFor(secretBase32, 'member');
  const delta = totp.validate({ token: code, timestamp: nowMs, window: totpWindowSteps });
  if (delta === null) return undefined;
  return totp.counter({ timestamp: nowMs }) + delta;
}

/** The secret at rest: AES-256-GCM under a KMS data key bound to its merchant and member (as lib/customers/pii.ts). */
export interface SealedSecret {
  key: string;
  iv: string;
  tag: string;
  data: string;
}

export interface SecretOwner {
  merchantId: string;
  memberId: string;
}

const context = (owner: SecretOwner) => ({ merchant: owner.merchantId, member: owner.memberId });
const aad = (owner: SecretOwner) => Buffer.from(`${owner.merchantId}/${owner.memberId}`);

export async function sealSecret(deps: { kms: KMSClient; dataKeyId: string }, owner: SecretOwner, secretBase32: string): Promise<SealedSecret> {
  const generated = await deps.kms.send(new GenerateDataKeyCommand({ KeyId: deps.dataKeyId, KeySpec: 'AES_256', EncryptionContext: context(owner) }));
  const key = Buffer.from(generated.Plaintext!);
  try {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(aad(owner));
    const data = Buffer.concat([cipher.update(secretBase32, 'utf8'), cipher.final()]);
    return { key: Buffer.from(generated.CiphertextBlob!).toString('base64'), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
  } finally {
    key.fill(0);
  }
}

export async function openSecret(deps: { kms: KMSClient }, owner: SecretOwner, sealed: SealedSecret): Promise<string> {
  const decrypted = await deps.kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from(sealed.key, 'base64'), EncryptionContext: context(owner) }));
  const key = Buffer.from(decrypted.Plaintext!);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(aad(owner));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
  } finally {
    key.fill(0);
  }
}
