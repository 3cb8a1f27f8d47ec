import { DecryptCommand, EncryptCommand, type KMSClient } from '@aws-sdk/client-kms';

/**
 * Endpoint secrets at rest: KMS-encrypted under the data key, bound to their endpoint by the
 * encryption context (a ciphertext copied onto another endpoint does not decrypt). Plaintexts are
 * cached per container for a short time so a delivery does not cost a KMS Decrypt.
 */
export interface SecretDeps {
  kms: KMSClient;
  dataKeyId: string;
  now: () => Date;
}

const cacheTtlMs = 5 * 60_000;
/** Above this many entries, expired ones are swept before adding (a container serves few endpoints at once). */
const maxCached = 1000;
const cache = new Map<string, { plaintext: string; expiresAtMs: number }>();

export async function encryptSecret(deps: SecretDeps, endpointId: string, secret: string): Promise<string> {
  const result = await deps.kms.send(
    new EncryptCommand({ KeyId: deps.dataKeyId, Plaintext: Buffer.from(secret, 'utf8'), EncryptionContext: { webhookEndpointId: endpointId } }),
  );
  return Buffer.from(result.CiphertextBlob!).toString('base64');
}

export async function decryptSecret(deps: SecretDeps, endpointId: string, ciphertext: string): Promise<string> {
  const nowMs = deps.now().getTime();
  const cached = cache.get(ciphertext);
  if (cached && cached.expiresAtMs > nowMs) return cached.plaintext;
  const result = await deps.kms.send(
    new DecryptCommand({ CiphertextBlob: Buffer.from(ciphertext, 'base64'), EncryptionContext: { webhookEndpointId: endpointId } }),
  );
  const plaintext = Buffer.from(result.Plaintext!).toString('utf8');
  if (cache.size >= maxCached) {
    for (const [key, entry] of cache) if (entry.expiresAtMs <= nowMs) cache.delete(key);
  }
  cache.set(ciphertext, { plaintext, expiresAtMs: nowMs + cacheTtlMs });
  return plaintext;
}
