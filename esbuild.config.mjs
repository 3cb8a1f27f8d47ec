// Bundles each function on its own: functions/<name>/handler.ts → dist/<name>/handler.mjs, and the
// `lanepay` CLI (bin/lanepay.ts) → dist/cli/lanepay.mjs, which runs with node alone.
// The AWS SDK is bundled rather than taken from the Lambda runtime: the runtime's copy changes
// under us without notice, and tree-shaken, minified clients cost little at cold start.
// Usage: node esbuild.config.mjs [--watch | --cli]   (--cli: the CLI alone, as `npm run prepare` does)
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { buildCheckoutBrowserScript } from './lib/checkout/browser/bundle.mjs';

const functionsDir = 'functions';
const outDir = 'dist';
const watch = process.argv.includes('--watch');
const cliOnly = process.argv.includes('--cli');

const names = fs
  .readdirSync(functionsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(functionsDir, entry.name, 'handler.ts')))
  .map((entry) => entry.name)
  .sort();

/**
 * zod re-exports every locale (`z.locales`) as a namespace, which defeats tree-shaking: about 200 KiB
 * of error messages in other languages per function. Lanepay's messages are English (zod's default,
 * imported separately), so the namespace resolves to English alone.
 */
const englishOnlyZod = {
  name: 'english-only-zod',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}zod${path.sep}`) ? { path: 'zod-locales-en', namespace: 'lanepay' } : undefined,
    );
    build.onLoad({ filter: /^zod-locales-en$/, namespace: 'lanepay' }, () => ({
      contents: "export { default as en } from 'zod/v4/locales/en.js';",
      resolveDir: process.cwd(),
    }));
  },
};

/**
 * The hosted checkout page's browser script is bundled here, at build time, and inlined into the
 * checkout function as a string (lib/checkout/browser-script.ts): the page loads nothing from a CDN
 * or a second URL, and the Lambda bundle carries neither esbuild nor the browser sources.
 */
const checkoutBrowserScript = {
  name: 'checkout-browser-script',
  setup(build) {
    build.onLoad({ filter: /[\\/]lib[\\/]checkout[\\/]browser-script\.ts$/ }, () => {
      const script = buildCheckoutBrowserScript();
      return { contents: `export const checkoutScript = ${JSON.stringify(script.text)};`, loader: 'js', watchFiles: script.inputs };
    });
  },
};

/** @type {import('esbuild').BuildOptions} */
const shared = {
  plugins: [englishOnlyZod, checkoutBrowserScript],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  minify: true,
  treeShaking: true,
  sourcemap: true,
  sourcesContent: false,
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
  mainFields: ['module', 'main'],
  // CommonJS dependencies (aws-xray-sdk-core) call require(); give ESM bundles one.
  banner: {
    js: "import { createRequire as __lanepayCreateRequire } from 'node:module'; const require = __lanepayCreateRequire(import.meta.url);",
  },
};

function optionsFor(name) {
  return {
    ...shared,
    entryPoints: { [`${name}/handler`]: path.join(functionsDir, name, 'handler.ts') },
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
  };
}

/**
 * The CLI with every dependency inside, so an installed package runs it without tsx or a
 * node_modules that matches the repository's. Not minified: its stack traces are read by people.
 */
const cliOptions = {
  ...shared,
  minify: false,
  entryPoints: { 'cli/lanepay': 'bin/lanepay.ts' },
  outdir: outDir,
  outExtension: { '.js': '.mjs' },
  banner: { js: `#!/usr/bin/env node\n${shared.banner.js}` },
};

/** Writes each output beside its target and renames it over, so no reader ever sees half a file. */
function writeAtomically(outputFiles) {
  for (const file of outputFiles) {
    fs.mkdirSync(path.dirname(file.path), { recursive: true });
    const staging = `${file.path}.${process.pid}.tmp`;
    fs.writeFileSync(staging, file.contents);
    fs.renameSync(staging, file.path);
  }
}

function printSizes(results) {
  const rows = results.map(({ name, metafile }) => {
    const output = Object.entries(metafile.outputs).find(([file]) => file.endsWith('.mjs'));
    return { name, bytes: output ? output[1].bytes : 0 };
  });
  const width = Math.max(...rows.map((row) => row.name.length));
  for (const row of rows) {
    console.log(`${row.name.padEnd(width)}  ${(row.bytes / 1024).toFixed(1).padStart(8)} KiB`);
  }
}

/**
 * In watch mode, resolves `ready` after a function's first build and then says on stdout each time
 * it is rebuilt: the dev stack restarts serverless offline on that line.
 */
function announceRebuilds(name) {
  let first = true;
  let markReady;
  const ready = new Promise((resolve) => {
    markReady = resolve;
  });
  const plugin = {
    name: 'announce-rebuilds',
    setup(build) {
      build.onEnd((result) => {
        if (first) {
          first = false;
          markReady();
        } else if (result.errors.length === 0) {
          console.log(`esbuild: rebuilt ${name}`);
        }
      });
    },
  };
  return { plugin, ready };
}

if (cliOnly) {
  const result = await esbuild.build({ ...cliOptions, write: false });
  writeAtomically(result.outputFiles);
  printSizes([{ name: 'cli', metafile: result.metafile }]);
} else if (watch) {
  const announcers = names.map((name) => announceRebuilds(name));
  const contexts = await Promise.all(
    names.map((name, index) => {
      const options = optionsFor(name);
      return esbuild.context({ ...options, plugins: [...options.plugins, announcers[index].plugin] });
    }),
  );
  // watch() runs each function's first build itself; the stack waits for this line.
  await Promise.all(contexts.map((context) => context.watch()));
  await Promise.all(announcers.map((announcer) => announcer.ready));
  console.log(`esbuild: watching ${names.length} functions`);
} else {
  // Each file is written beside its target and renamed over it, so a build never leaves a running
  // serverless-offline (npm run dev next to npm test) without a handler, not even for a moment.
  const results = await Promise.all(
    names.map(async (name) => {
      const result = await esbuild.build({ ...optionsFor(name), write: false });
      writeAtomically(result.outputFiles);
      return { name, metafile: result.metafile };
    }),
  );
  // The CLI's bundle stays out of meta.json, which describes what is deployed.
  const cli = await esbuild.build({ ...cliOptions, write: false });
  writeAtomically(cli.outputFiles);
  const merged = { inputs: {}, outputs: {} };
  for (const { metafile } of results) {
    Object.assign(merged.inputs, metafile.inputs);
    Object.assign(merged.outputs, metafile.outputs);
  }
  fs.writeFileSync(path.join(outDir, 'meta.json'), JSON.stringify(merged));
  printSizes([...results, { name: 'cli', metafile: cli.metafile }]);
}
