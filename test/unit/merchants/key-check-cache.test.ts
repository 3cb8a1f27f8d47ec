import { describe, expect, it } from 'vitest';
import { KeyCheckCache, refusalTtlMs, unknownIdTtlMs, verifiedTtlMs } from '#lib/merchants/key-check-cache.js';

function clock() {
  let nowMs = 1_000_000;
  return { now: () => nowMs, advance: (ms: number) => (nowMs += ms) };
}

describe('KeyCheckCache', () => {
  it('refuses every key of a refused id, and a refused key alone, for the refusal TTL only', () => {
    const time = clock();
    const cache = new KeyCheckCache({ now: time.now });
    cache.refuseId('key_a', 'This API key is not known.');
    cache.refuseKey('sk_wrong', 'This API key is not known.');

    expect(cache.refusalOf('key_a', 'sk_any')).toBe('This API key is not known.');
    expect(cache.refusalOf('key_b', 'sk_wrong')).toBe('This API key is not known.');
    expect(cache.refusalOf('key_b', 'sk_right')).toBeUndefined();
    time.advance(refusalTtlMs);
    expect(cache.refusalOf('key_a', 'sk_any')).toBeUndefined();
    expect(cache.refusalOf('key_b', 'sk_wrong')).toBeUndefined();
  });

  it('refuses every key of an unknown id for 10 s only, so a key approved meanwhile works soon after', () => {
    const time = clock();
    const cache = new KeyCheckCache({ now: time.now });
    cache.refuseUnknownId('key_new', 'This API key is not known.');

    expect(cache.refusalOf('key_new', 'sk_any')).toBe('This API key is not known.');
    expect(cache.refusalOf('key_other', 'sk_any')).toBeUndefined();
    time.advance(unknownIdTtlMs - 1);
    expect(cache.refusalOf('key_new', 'sk_any')).toBe('This API key is not known.');
    time.advance(1);
    expect(cache.refusalOf('key_new', 'sk_any')).toBeUndefined();
    expect(unknownIdTtlMs).toBe(10_000);
  });

  it('knows the verified key of an id (match), takes any other key with that id as wrong (mismatch), and forgets after its TTL', () => {
    const time = clock();
    const cache = new KeyCheckCache({ now: time.now });
    expect(cache.check('key_a', 'sk_right').result).toBe('unknown');
    cache.rememberVerified('key_a', 'sk_right', 'digest-a');

    expect(cache.check('key_a', 'sk_right')).toEqual({ result: 'match', digest: 'digest-a' });
    expect(cache.check('key_a', 'sk_guess')).toEqual({ result: 'mismatch' });
    time.advance(verifiedTtlMs);
    expect(cache.check('key_a', 'sk_right').result).toBe('unknown');
  });

  it('holds at most its bound, dropping the least recently used first', () => {
    const cache = new KeyCheckCache({ maxEntries: 2 });
    cache.refuseId('key_1', 'no');
    cache.refuseId('key_2', 'no');
    cache.refusalOf('key_1', 'x'); // used: key_2 is now the oldest
    cache.refuseId('key_3', 'no');

    expect(cache.refusalOf('key_1', 'x')).toBe('no');
    expect(cache.refusalOf('key_2', 'x')).toBeUndefined();
    expect(cache.refusalOf('key_3', 'x')).toBe('no');
  });
});
