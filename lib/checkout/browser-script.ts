import { buildCheckoutBrowserScript } from './browser/bundle.mjs';

/**
 * The checkout page's browser script (lib/checkout/browser/main.ts) as text, inlined into the page.
 * In a function bundle esbuild.config.mjs replaces this module with the script built at bundle time,
 * so the Lambda neither ships nor runs esbuild; run from sources (tsx, vitest) it is built here once.
 */
export const checkoutScript: string = buildCheckoutBrowserScript().text;
