import { chooseLanguage } from '../checkout/messages.js';
import { consoleBuild } from './assets.js';

/**
 * What the `console` function serves for the browser: the shell page (the app picks its page from
 * the path) and the static assets it loads, by content-hashed name (cache them for a year).
 * The page holds no inline script or style, so its CSP (api/console/csp.ts) allows scripts and
 * styles from 'self' only.
 */
export const consoleLocales = ['en', 'zh-CN'] as const;
export type ConsoleLocale = (typeof consoleLocales)[number];

export interface ConsoleAsset {
  /** Content-Type to send. */
  type: string;
  body: string;
}

export interface ConsoleUi {
  /**
   * The shell page. `locale` is a locale ('zh-CN') or an Accept-Language value: the best match of
   * the console's languages, English when none. `basePath` is where the console is mounted
   * (default `/console`; e.g. `/dev/console` under an API Gateway stage).
   */
  html(locale?: string, options?: { basePath?: string }): string;
  /** Files served at `<basePath>/assets/<name>`. */
  assets: Record<string, ConsoleAsset>;
}

/** The console language for a locale or an Accept-Language header (best match, English otherwise). */
export function chooseConsoleLocale(localeOrAcceptLanguage: string | undefined): ConsoleLocale {
  // The checkout page's rule: every Chinese variant reads Simplified Chinese, anything else English.
  return chooseLanguage(undefined, localeOrAcceptLanguage);
}

const titles: Record<ConsoleLocale, string> = { en: 'Lanepay console', 'zh-CN': 'Lanepay 控制台' };
const noScript: Record<ConsoleLocale, string> = {
  en: 'The Lanepay console needs JavaScript.',
  'zh-CN': 'Lanepay 控制台需要启用 JavaScript。',
};

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export const consoleUi: ConsoleUi = {
  html(locale, options = {}) {
    const lang = chooseConsoleLocale(locale);
    const base = escapeAttribute((options.basePath ?? '/console').replace(/\/+$/, ''));
    return [
      '<!doctype html>',
      `<html lang="${lang}" data-base="${base}">`,
      '<head>',
      '<meta charset="utf-8">',
      '<meta name="viewport" content="width=device-width, initial-scale=1">',
      '<meta name="referrer" content="no-referrer">',
      `<title>${titles[lang]}</title>`,
      `<link rel="stylesheet" href="${base}/assets/${consoleBuild.style}">`,
      `<script type="module" src="${base}/assets/${consoleBuild.script}"></script>`,
      '</head>',
      `<body><div id="app"></div><noscript>${noScript[lang]}</noscript></body>`,
      '</html>',
    ].join('\n');
  },
  assets: consoleBuild.assets,
};
