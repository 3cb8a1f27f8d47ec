/// <reference lib="dom" />
/**
 * The browser's own WebAuthn API (no library): options come as JSON from the console function
 * (@simplewebauthn/server), are parsed with PublicKeyCredential.parse*OptionsFromJSON, and the
 * credential goes back as its toJSON().
 */
import { consoleRoute, type Session } from './api.js';

interface PublicKeyCredentialStatic {
  parseCreationOptionsFromJSON(options: unknown): PublicKeyCredentialCreationOptions;
  parseRequestOptionsFromJSON(options: unknown): PublicKeyCredentialRequestOptions;
}

interface JsonCredential extends Credential {
  toJSON(): unknown;
}

function webauthn(): PublicKeyCredentialStatic | undefined {
  const constructor = (globalThis as { PublicKeyCredential?: Partial<PublicKeyCredentialStatic> }).PublicKeyCredential;
  return constructor?.parseCreationOptionsFromJSON && constructor.parseRequestOptionsFromJSON ? (constructor as PublicKeyCredentialStatic) : undefined;
}

export function passkeysSupported(): boolean {
  return webauthn() !== undefined;
}

/** Registers a passkey for the signed-in member. */
export async function registerPasskey(): Promise<void> {
  const api = webauthn();
  if (!api) throw new Error('unsupported');
  const options = await consoleRoute<unknown>('POST', '/passkeys/registration-options', {});
  const credential = (await navigator.credentials.create({ publicKey: api.parseCreationOptionsFromJSON(options) })) as JsonCredential | null;
  if (!credential) throw new Error('no credential');
  await consoleRoute('POST', '/passkeys', { response: credential.toJSON() });
}

/** Signs in with a discoverable passkey: the browser offers the member's passkeys, no name typed. */
export async function signInWithPasskey(): Promise<Session> {
  const api = webauthn();
  if (!api) throw new Error('unsupported');
  const options = await consoleRoute<unknown>('POST', '/session/passkey-options', {});
  const credential = (await navigator.credentials.get({ publicKey: api.parseRequestOptionsFromJSON(options) })) as JsonCredential | null;
  if (!credential) throw new Error('no credential');
  return consoleRoute<Session>('POST', '/session/passkey', { response: credential.toJSON() });
}

/**
 * A `Lanepay-Passkey` header for deciding one approval: the console function issues a challenge
 * bound to the request's change_hash, the passkey signs it, and the answer travels base64url-encoded.
 */
export async function passkeyDecisionHeader(approvalId: string, changeHash: string): Promise<string> {
  const api = webauthn();
  if (!api) throw new Error('unsupported');
  const options = await consoleRoute<unknown>('POST', '/approvals/passkey-options', { approval_id: approvalId, change_hash: changeHash });
  const credential = (await navigator.credentials.get({ publicKey: api.parseRequestOptionsFromJSON(options) })) as JsonCredential | null;
  if (!credential) throw new Error('no credential');
  // The answer is JSON of base64url strings: ASCII, so btoa takes it as it is.
  return btoa(JSON.stringify(credential.toJSON())).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
