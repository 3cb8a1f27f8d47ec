import { TOTP, URI } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { isWellFormedApiKey, newApiKey } from '#lib/merchants/api-keys.js';
import { isWellFormedMemberKey, newMemberKey, parseMemberKey } from '#lib/merchants/members/member-keys.js';
import { matchedTimeStep, newTotpSecret, totpFor } from '#lib/merchants/members/totp.js';
import { newId } from '#lib/platform/ids/index.js';

describe('member keys', () => {
  it('are mk_test_ (mk_live_ on prod), the member id, and a checksum that holds, and are never API keys', () => {
    const memberId = newId('mem');
    const key = newMemberKey('local', memberId);
    expect(key).toMatch(new RegExp(`^mk_test_${memberId}_[A-Za-z0-9_-]{49}$`));
    expect(parseMemberKey(key)).toEqual({ kind: 'current', keyId: memberId });
    expect(newMemberKey('prod', memberId)).toMatch(/^mk_live_mem_/);
    expect(isWellFormedMemberKey(key)).toBe(true);
    expect(isWellFormedApiKey(key)).toBe(false);
    expect(isWellFormedMemberKey(newApiKey('local', newId('key')))).toBe(false);
    expect(isWellFormedMemberKey(`${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`)).toBe(false);
  });
});

describe('TOTP codes (RFC 6238)', () => {
  const secret = newTotpSecret();
  const nowMs = Date.UTC(2026, 10, 26, 12, 0, 10);
  const code = (timestamp: number) => TOTP.generate({ secret: totpFor(secret, 'x').secret, timestamp });

  it('matches the RFC 6238 SHA-1 test vector (59 s → 94287082 with 8 digits): the library computes the standard', () => {
    // RFC 6238 appendix B: secret "12345678901234567890", T = 59 s.
    const vector = TOTP.generate({ secret: URI.parse('otpauth://totp/x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ').secret, algorithm: 'SHA1', digits: 8, period: 30, timestamp: 59_000 });
    expect(vector).toBe('94287082');
  });

  it('gives the time step of a current code, and of the previous and next step (clock drift)', () => {
    const step = Math.floor(nowMs / 30_000);
    expect(matchedTimeStep(secret, code(nowMs), nowMs)).toBe(step);
    expect(matchedTimeStep(secret, code(nowMs - 30_000), nowMs)).toBe(step - 1);
    expect(matchedTimeStep(secret, code(nowMs + 30_000), nowMs)).toBe(step + 1);
  });

  it('refuses a code two steps old, a wrong code and a malformed one', () => {
    expect(matchedTimeStep(secret, code(nowMs - 60_000), nowMs)).toBeUndefined();
    const right = code(nowMs);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    expect(matchedTimeStep(secret, wrong, nowMs)).toBeUndefined();
    expect(matchedTimeStep(secret, '12345', nowMs)).toBeUndefined();
    expect(matchedTimeStep(secret, 'abcdef', nowMs)).toBeUndefined();
  });

  it('prints an otpauth:// URI an authenticator app reads back to the same secret, 6 digits, 30 s', () => {
    const parsed = URI.parse(totpFor(secret, 'ana@example.com').toString()) as TOTP;
    expect(parsed).toBeInstanceOf(TOTP);
    expect(parsed.secret.base32).toBe(secret);
    expect(parsed.digits).toBe(6);
    expect(parsed.period).toBe(30);
    expect(parsed.issuer).toBe('Lanepay');
  });
});
