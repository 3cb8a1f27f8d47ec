import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashRealtimeToken, isWellFormedToken, newRealtimeToken } from '#lib/notify/realtime/tokens.js';

describe('realtime tokens', () => {
  it('are 256 random bits, prefixed wst_, and well formed', () => {
    const { token } = newRealtimeToken(0, 300_000);
    expect(token).toMatch(/^wst_[A-Za-z0-9_-]{43}$/);
    expect(isWellFormedToken(token)).toBe(true);
  });

  it('differ on every issue', () => {
    const tokens = new Set(Array.from({ length: 100 }, () => newRealtimeToken(0, 1).token));
    expect(tokens.size).toBe(100);
  });

  it('are stored as the SHA-256 of the whole token, prefix included', () => {
    const issued = newRealtimeToken(0, 300_000, (bytes) => Buffer.alloc(bytes, 7));

    expect(issued.token).toBe(`wst_${Buffer.alloc(32, 7).toString('base64url')}`);
    expect(issued.hash).toBe(createHash('sha256').update(issued.token).digest('hex'));
    expect(hashRealtimeToken(issued.token)).toBe(issued.hash);
    expect(hashRealtimeToken(issued.token.slice(4))).not.toBe(issued.hash);
  });

  it('expire the configured time after issue', () => {
    const nowMs = Date.parse('2025-01-01T00:00:00Z');
    expect(newRealtimeToken(nowMs, 300_000).expiresAtMs).toBe(Date.parse('2025-01-01T00:05:00Z'));
  });

  it('refuse anything but the issued shape before any lookup', () => {
    for (const bad of [undefined, '', 'wst_', 'sk_test_abc', `wst_${'a'.repeat(42)}`, `wst_${'a'.repeat(43)}=`, `wst_${'a'.repeat(42)}/`]) {
      expect(isWellFormedToken(bad), String(bad)).toBe(false);
    }
  });
});
