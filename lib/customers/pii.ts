import { GenerateMacCommand, type KMSClient } from '@aws-sdk/client-kms';
import { merchantOwner, openEnvelope, sealEnvelope, type Envelope } from '../aws/envelope.js';
import type { CreateVerificationBody } from '../kyc/schemas.js';

/**
 * PII at rest: a KMS envelope (lib/aws/envelope.ts) per verification, bound to its merchant and
 * customer, so a ciphertext copied onto another customer does not decrypt.
 */
export interface PiiDeps {
  kms: KMSClient;
  dataKeyId: string;
}

/** Everything the verification request carries that identifies the person. */
export type Pii = Pick<CreateVerificationBody, 'name' | 'birth_date' | 'document' | 'phone' | 'address'>;

export type SealedPii = Envelope;

export interface PiiOwner {
  merchantId: string;
  customerId: string;
}

const envelopeOwner = (owner: PiiOwner) => merchantOwner(owner.merchantId, 'customer', owner.customerId);

export async function sealPii(deps: PiiDeps, owner: PiiOwner, pii: Pii): Promise<SealedPii> {
  return sealEnvelope(deps, envelopeOwner(owner), JSON.stringify(pii));
}

export async function openPii(deps: Pick<PiiDeps, 'kms'>, owner: PiiOwner, sealed: SealedPii): Promise<Pii> {
  return JSON.parse(await openEnvelope(deps, envelopeOwner(owner), sealed)) as Pii;
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
