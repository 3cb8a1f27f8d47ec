import { describe, expect, it } from 'vitest';
import { checkoutMessages, chooseLanguage } from '#api/pages/checkout/messages.js';

describe('checkout page language', () => {
  it('follows ?lang= over the browser', () => {
    expect(chooseLanguage('zh-CN', 'en-US,en;q=0.9')).toBe('zh-CN');
    expect(chooseLanguage('zh-cn', undefined)).toBe('zh-CN');
    expect(chooseLanguage('en', 'zh-CN,zh;q=0.9')).toBe('en');
  });

  it("takes the browser's Accept-Language when ?lang= is absent or unknown", () => {
    expect(chooseLanguage(undefined, 'zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(chooseLanguage('fr', 'zh-CN')).toBe('zh-CN');
    expect(chooseLanguage(undefined, 'en-GB,en;q=0.9,zh;q=0.5')).toBe('en');
    expect(chooseLanguage(undefined, 'de-DE,de;q=0.9,zh;q=0.5')).toBe('zh-CN');
  });

  it('gives every Chinese variant Simplified Chinese, the only Chinese there is', () => {
    for (const header of ['zh', 'zh-TW', 'zh-Hans-CN', 'zh-HK;q=0.8']) expect(chooseLanguage(undefined, header), header).toBe('zh-CN');
  });

  it('falls back to English', () => {
    expect(chooseLanguage(undefined, undefined)).toBe('en');
    expect(chooseLanguage(undefined, 'fr-FR,fr;q=0.9')).toBe('en');
    expect(chooseLanguage(undefined, '')).toBe('en');
    expect(chooseLanguage(undefined, ';;;,q=x')).toBe('en');
  });

  it('has every text in every language, each with the same placeholders', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
    const flatten = (messages: object, prefix = ''): Array<[string, string]> => Object.entries(messages).flatMap(([key, value]) =>
      typeof value === 'string' ? [[`${prefix}${key}`, value] as [string, string]] : flatten(value as object, `${prefix}${key}.`));
    const english = new Map(flatten(checkoutMessages.en));
    const chinese = new Map(flatten(checkoutMessages['zh-CN']));
    expect([...chinese.keys()]).toEqual([...english.keys()]);
    for (const [key, text] of english) {
      expect(text.length, key).toBeGreaterThan(0);
      expect(placeholders(chinese.get(key)!), key).toEqual(placeholders(text));
    }
  });
});
