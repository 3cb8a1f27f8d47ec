import { createHash, timingSafeEqual } from 'node:crypto';

/** How long a refusal is remembered: as long as API Gateway caches a Deny (resultTtlInSeconds). */
export const refusalTtlMs = 60_000;
/**
 * How long an unknown key id is remembered: briefly, because a key held for approval exists only once
 * approved and must work soon after (API Gateway's own cache of the Deny, 60 s, comes on top on AWS).
 */
export const unknownIdTtlMs = 10_000;
/** How long a container remembers which key it checked for an id (revocation is read every time). */
export const verifiedTtlMs = 15 * 60_000;
/** Entries per map: about 100 bytes each, so at most a few MB per container under any flood. */
export const maxEntries = 10_000;

/**
 * What one authorizer container remembers of the keys it checked, so that made-up keys cost no KMS
 * call and final refusals no DynamoDB read either:
 * - final refusals, by key id (revoked) or by key (a wrong secret for a real id), for
 *   `refusalTtlMs`;
 * - unknown key ids, for `unknownIdTtlMs` only: a flood repeating made-up keys costs one read per
 *   key and 10 s, while a key held for approval works within 10 s of being approved;
 * - for a key id, the SHA-256 of the one key whose KMS MAC matched its stored digest: a key id has
 *   exactly one key, so a later key with that id is the same (no MAC needed) or a wrong one.
 * Keys are held as SHA-256 hashes only. Bounded: the least recently used entries go first.
 */
export class KeyCheckCache {
  private readonly refusals: ExpiringLru<string>;
  private readonly unknownIds: ExpiringLru<string>;
  private readonly verified: ExpiringLru<{ keySha256: Buffer; digest: string }>;

  constructor(options: { now?: () => number; maxEntries?: number } = {}) {
    // Read the clock when asked, not the function it was at construction: a clock swapped later (a
    // test's frozen Date) must reach a cache built before it.
    const now = options.now ?? (() => Date.now());
    this.refusals = new ExpiringLru(options.maxEntries ?? maxEntries, refusalTtlMs, now);
    this.unknownIds = new ExpiringLru(options.maxEntries ?? maxEntries, unknownIdTtlMs, now);
    this.verified = new ExpiringLru(options.maxEntries ?? maxEntries, verifiedTtlMs, now);
  }

  /** The reason `key` (or its id) was refused lately, if it was. */
  refusalOf(keyId: string | undefined, key: string): string | undefined {
    const byId = keyId === undefined ? undefined : (this.refusals.get(`id:${keyId}`) ?? this.unknownIds.get(keyId));
    return byId ?? this.refusals.get(`key:${sha256(key).toString('hex')}`);
  }

  /** Remembers, briefly, that no key has this id. */
  refuseUnknownId(keyId: string, reason: string): void {
    this.unknownIds.set(keyId, reason);
  }

  /** Remembers a refusal of every key with this id (revoked). */
  refuseId(keyId: string, reason: string): void {
    this.refusals.set(`id:${keyId}`, reason);
  }

  /** Remembers a refusal of this key alone (a wrong secret for a real id). */
  refuseKey(key: string, reason: string): void {
    this.refusals.set(`key:${sha256(key).toString('hex')}`, reason);
  }

  /**
   * What the container knows of `key` against its id: `match` (its digest, no MAC needed),
   * `mismatch` (another key of this id was verified: this one is wrong), or `unknown`.
   */
  check(keyId: string, key: string): { result: 'match'; digest: string } | { result: 'mismatch' | 'unknown' } {
    const known = this.verified.get(keyId);
    if (!known) return { result: 'unknown' };
    return timingSafeEqual(known.keySha256, sha256(key)) ? { result: 'match', digest: known.digest } : { result: 'mismatch' };
  }

  /** Remembers that `key`'s KMS MAC is `digest`, the one stored for `keyId`. */
  rememberVerified(keyId: string, key: string, digest: string): void {
    this.verified.set(keyId, { keySha256: sha256(key), digest });
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** A Map kept in use order, each entry with an expiry: bounded size, bounded age. */
class ExpiringLru<V> {
  private readonly entries = new Map<string, { value: V; expiresAtMs: number }>();

  constructor(private readonly capacity: number, private readonly ttlMs: number, private readonly now: () => number) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAtMs <= this.now()) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAtMs: this.now() + this.ttlMs });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}
