// Bundles the checkout page's browser script (main.ts) into one minified IIFE, as text. Plain
// JavaScript so that esbuild.config.mjs (which inlines the result into the checkout function's
// bundle) and lib/checkout/browser-script.ts (run from sources by tsx or vitest) share it.
import * as esbuild from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.ts');

/** @returns {{ text: string, inputs: string[] }} the script and the files it was built from. */
export function buildCheckoutBrowserScript() {
  const result = esbuild.buildSync({
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    // Browsers of the last few years on phones: what the page's syntax needs, nothing older.
    target: ['chrome100', 'firefox100', 'safari15'],
    minify: true,
    write: false,
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const text = result.outputFiles[0].text.trim();
  // Inlined in <script>: no sequence in it may close the element.
  return { text: text.replace(/<\/(script)/gi, '<\\/$1'), inputs: Object.keys(result.metafile.inputs).map((input) => path.resolve(input)) };
}
