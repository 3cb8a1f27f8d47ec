import { describe, expect, it } from 'vitest';
import { catalogues, en, statusText, toLocale, zhCN } from '#api/pages/console/browser/messages.js';
import { chooseConsoleLocale } from '#api/pages/console/ui.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('console message catalogues', () => {
  it('has the same keys in English and Simplified Chinese, in the same order', () => {
    expect(Object.keys(zhCN)).toEqual(Object.keys(en));
    expect(Object.keys(catalogues)).toEqual(['en', 'zh-CN']);
  });

  it('gives every key a text in each language, with the same placeholders', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(en[key].trim().length, key).toBeGreaterThan(0);
      expect(zhCN[key].trim().length, key).toBeGreaterThan(0);
      expect(placeholders(zhCN[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('names the sign-in controls as the issue does', () => {
    expect([en.oneTimeCode, en.signIn, en.approve, en.reject]).toEqual(['One-time code', 'Sign in', 'Approve', 'Reject']);
    expect(zhCN.oneTimeCode).toBe('一次性验证码');
    expect(en.signInWithPasskey).toBe('Sign in with a passkey');
  });

  it('translates the texts a reader sees (no English left in the Chinese table but names and codes)', () => {
    const untranslated = (Object.keys(en) as (keyof typeof en)[]).filter((key) => zhCN[key] === en[key] && /[a-z]{4,}/i.test(en[key].replace(/\{\w+\}/g, '')));
    expect(untranslated).toEqual([]);
  });
});

describe('API status codes', () => {
  it('reads each status the console shows in both languages, and an unknown code as itself', () => {
    for (const code of ['requires_approval', 'succeeded', 'awaiting_payment', 'underpaid', 'credited', 'disabled']) {
      expect(Object.hasOwn(en, `status_${code}`), code).toBe(true);
      expect(statusText(zhCN, code), code).toMatch(/\p{Script=Han}/u);
    }
    expect(statusText(en, 'requires_approval')).toBe('waiting for approval');
    expect(statusText(zhCN, 'no_such_status')).toBe('no_such_status');
  });
});

describe('console locale', () => {
  it("takes the switch's locale or the browser's Accept-Language, Simplified Chinese for every zh variant", () => {
    expect(chooseConsoleLocale('zh-CN')).toBe('zh-CN');
    expect(chooseConsoleLocale('zh-TW,zh;q=0.9')).toBe('zh-CN');
    expect(chooseConsoleLocale('en-GB,en;q=0.9,zh;q=0.5')).toBe('en');
    expect(chooseConsoleLocale('fr-FR')).toBe('en');
    expect(chooseConsoleLocale(undefined)).toBe('en');
    expect(toLocale('zh-Hans-CN')).toBe('zh-CN');
    expect(toLocale('en-US')).toBe('en');
    expect(toLocale(null)).toBe('en');
  });
});
