import type { KMSClient } from '@aws-sdk/client-kms';
import { Secret, TOTP } from 'otpauth';
import { merchantOwner, openEnvelope, sealEnvelope, type Envelope } from '../aws/envelope.js';

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

/** The secret at rest: a KMS envelope (lib/aws/envelope.ts) bound to its merchant and member. */
export type SealedSecret = Envelope;

export interface SecretOwner {
  merchantId: string;
  memberId: string;
}

const envelopeOwner = (owner: SecretOwner) => merchantOwner(owner.merchantId, 'member', owner.memberId);

export async function sealSecret(deps: { kms: KMSClient; dataKeyId: string }, owner: SecretOwner, secretBase32: string): Promise<SealedSecret> {
  return sealEnvelope(deps, envelopeOwner(owner), secretBase32);
}

export async function openSecret(deps: { kms: KMSClient }, owner: SecretOwner, sealed: SealedSecret): Promise<string> {
  return openEnvelope(deps, envelopeOwner(owner), sealed);
}
