import { describe, expect, it } from 'vitest';
import { explorerLink, fill, formatAmount, formatDateTime, minorToDecimal } from '#api/pages/console/browser/format.js';

describe('console amounts', () => {
  it('turns minor units into exact decimals with bigint arithmetic', () => {
    expect(minorToDecimal('2500000', 6)).toBe('2.5');
    expect(minorToDecimal('1', 6)).toBe('0.000001');
    expect(minorToDecimal(-1n, 2)).toBe('-0.01');
    expect(minorToDecimal('0', 6)).toBe('0');
    expect(minorToDecimal('123456789012345678901234567890', 18)).toBe('123456789012.34567890123456789');
  });

  it('formats per locale, at least two decimals, every significant digit kept', () => {
    expect(formatAmount('1234567000', 'USDC', 'en')).toBe('1,234.567 USDC');
    expect(formatAmount('25000000', 'USDC', 'en')).toBe('25.00 USDC');
    expect(formatAmount('1', 'USDC', 'en')).toBe('0.000001 USDC');
    expect(formatAmount('1234567000', 'USDC', 'zh-CN')).toBe('1,234.567 USDC');
    expect(formatAmount('-250', 'USDC', 'de-DE', 2)).toBe('-2,50 USDC');
  });

  it('never goes through a float: 2^53 + 1 minor units stay exact', () => {
    const minor = (2n ** 53n + 1n).toString();
    expect(formatAmount(minor, 'USDC', 'en', 0)).toBe('9,007,199,254,740,993 USDC');
    expect(formatAmount('123456789012345678901234567', 'DAI', 'en')).toBe('123,456,789.012345678901234567 DAI');
    expect(formatAmount(10n ** 24n + 1n, 'DAI', 'zh-CN')).toBe('1,000,000.000000000000000001 DAI');
  });
});

describe('console dates and links', () => {
  it('formats a date and time per locale', () => {
    expect(formatDateTime('2026-12-07T09:05:00Z', 'en', 'UTC')).toBe('Dec 7, 2026, 9:05 AM');
    expect(formatDateTime('2026-12-07T09:05:00Z', 'zh-CN', 'UTC')).toBe('2026年12月7日 09:05');
    expect(formatDateTime('not a date', 'en')).toBe('not a date');
  });

  it("links a transaction through its chain's explorer template, only for a hash and an http(s) URL", () => {
    const hash = `0x${'ab'.repeat(32)}`;
    expect(explorerLink('https://etherscan.io/tx/{hash}', hash)).toBe(`https://etherscan.io/tx/${hash}`);
    expect(explorerLink(null, hash)).toBeUndefined();
    expect(explorerLink('https://etherscan.io/tx/{hash}', '0x1234')).toBeUndefined();
    expect(explorerLink('javascript:alert(1)//{hash}', hash)).toBeUndefined();
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(fill('{count} of {required}', { count: 1, required: 2 })).toBe('1 of 2');
    expect(fill('{missing}', {})).toBe('{missing}');
  });
});
