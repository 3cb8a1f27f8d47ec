import { afterEach, describe, expect, it } from 'vitest';
import { ChromiumUnavailableError, ensureChromium } from '../../../scripts/browser/chromium.js';

const saved = process.env.LANEPAY_CHROMIUM;
afterEach(() => {
  if (saved === undefined) delete process.env.LANEPAY_CHROMIUM;
  else process.env.LANEPAY_CHROMIUM = saved;
});

describe('finding the browser tests Chromium', () => {
  it('takes LANEPAY_CHROMIUM as it is when it names an executable, installing nothing', () => {
    process.env.LANEPAY_CHROMIUM = process.execPath;
    const said: string[] = [];
    expect(ensureChromium((line) => said.push(line))).toBe(process.execPath);
    expect(said).toEqual([]);
  });

  it('refuses a LANEPAY_CHROMIUM that is not an executable file, naming it', () => {
    process.env.LANEPAY_CHROMIUM = '/nonexistent/chromium';
    expect(() => ensureChromium(() => undefined)).toThrow(ChromiumUnavailableError);
    expect(() => ensureChromium(() => undefined)).toThrow('/nonexistent/chromium');
  });
});
