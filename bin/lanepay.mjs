#!/usr/bin/env node
// Entry point of the `lanepay` bin (package.json). In a checkout, with tsx installed, it runs the
// TypeScript source, so an edited command runs without a rebuild. Elsewhere (an installed package,
// which ships dist/cli/ and no source, and has no tsx) it runs the bundle `npm run build` made.
import fs from 'node:fs';

const source = new URL('./lanepay.ts', import.meta.url);
const bundle = new URL('../dist/cli/lanepay.mjs', import.meta.url);

async function tsxRegister() {
  if (!fs.existsSync(source)) return undefined;
  try {
    return (await import('tsx/esm/api')).register;
  } catch {
    return undefined; // tsx is a dev dependency: absent from an installed package
  }
}

const register = await tsxRegister();
if (register) {
  register();
  await import(source.href);
} else if (fs.existsSync(bundle)) {
  await import(bundle.href);
} else {
  console.error('The lanepay CLI is not built: run `npm run build` (or `npm install`, whose prepare step builds it).');
  process.exitCode = 1;
}
