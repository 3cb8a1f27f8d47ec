// Bundles each function on its own: functions/<name>/handler.ts → dist/<name>/handler.mjs, and the
// `lanepay` CLI (bin/lanepay.ts) → dist/cli/lanepay.mjs, which runs with node alone.
// The AWS SDK is bundled rather than taken from the Lambda runtime: loading the SDK's own files at
// cold start costs about twice the CPU of the whole minified bundle (bench:cold-start --external-aws-sdk
// measures it), and the runtime's copy changes under us without notice.
// Usage: node esbuild.config.mjs [--watch | --cli]   (--cli: the CLI alone, as `npm run prepare` does)
//        node esbuild.config.mjs --external-aws-sdk --outdir DIR   (the functions, SDK left out, for that bench)
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { buildCheckoutBrowserScript } from './api/pages/checkout/browser/bundle.mjs';
import { buildConsoleAssets } from './api/pages/console/browser/bundle.mjs';
import { limitsOf } from './scripts/build/budgets.mjs';
import { functionSizes } from './scripts/build/bundle-size.mjs';

const functionsDir = 'functions';
const watch = process.argv.includes('--watch');
const cliOnly = process.argv.includes('--cli');
const externalAwsSdk = process.argv.includes('--external-aws-sdk');
const outDirAt = process.argv.indexOf('--outdir');
const outDir = outDirAt >= 0 ? process.argv[outDirAt + 1] : 'dist';

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
 * aws-xray-sdk-core (Powertools Tracer) requires semver only for its AWS SDK v2 patcher, to check
 * the v2 SDK's version; Lanepay traces SDK v3 clients (captureAWSv3Client) and never calls it. The
 * stub saves 28 KiB per function and throws, naming itself, if the v2 patcher is ever used.
 */
const xrayWithoutSemver = {
  name: 'xray-without-semver',
  setup(build) {
    build.onResolve({ filter: /^semver$/ }, (args) =>
      /aws-xray-sdk-core[\\/]dist[\\/]lib[\\/]patchers[\\/]aws_p\.js$/.test(args.importer)
        ? { path: 'xray-semver-stub', namespace: 'lanepay' }
        : undefined,
    );
    build.onLoad({ filter: /^xray-semver-stub$/, namespace: 'lanepay' }, () => ({
      contents: "module.exports = { gte() { throw new Error('semver is not bundled: the X-Ray SDK v2 patcher (captureAWS) is not for Lanepay, which uses AWS SDK v3'); } };",
      loader: 'js',
    }));
  },
};

/**
 * On Node 22 an ESM import of node:http builds the module's ESM facade, which reads every export,
 * and three of them (WebSocket, CloseEvent, MessageEvent) are getters that load undici: about 30 ms
 * of CPU at every cold start, a third of an API function's budget (Powertools Tracer imports
 * node:http to trace it; the SDK's HTTP handler imports it on its first request). Here every import of
 * node:http, static or dynamic, gets the module through require(), which reads nothing until asked:
 * the same module object, with each export but those three as a named binding.
 */
const undiciBackedHttpExports = new Set(['WebSocket', 'CloseEvent', 'MessageEvent']);
const httpWithoutUndici = {
  name: 'http-without-undici',
  setup(build) {
    build.onResolve({ filter: /^(node:)?http$/ }, (args) =>
      args.kind === 'import-statement' || args.kind === 'dynamic-import' ? { path: 'node-http', namespace: 'lanepay-http' } : undefined,
    );
    build.onLoad({ filter: /^node-http$/, namespace: 'lanepay-http' }, () => {
      const names = Object.keys(createRequire(import.meta.url)('node:http')).filter((name) => !undiciBackedHttpExports.has(name));
      return {
        contents: [
          "import { createRequire } from 'node:module';",
          "const http = createRequire(import.meta.url)('node:http');",
          'export default http;',
          `export const { ${names.join(', ')} } = http;`,
        ].join('\n'),
        loader: 'js',
      };
    });
  },
};

/**
 * The hosted checkout page's browser script is bundled here, at build time, and inlined into the
 * checkout function as a string (api/pages/checkout/browser-script.ts): the page loads nothing from a CDN
 * or a second URL, and the Lambda bundle carries neither esbuild nor the browser sources.
 */
const checkoutBrowserScript = {
  name: 'checkout-browser-script',
  setup(build) {
    build.onLoad({ filter: /[\\/]api[\\/]pages[\\/]checkout[\\/]browser-script\.ts$/ }, () => {
      const script = buildCheckoutBrowserScript();
      return { contents: `export const checkoutScript = ${JSON.stringify(script.text)};`, loader: 'js', watchFiles: script.inputs };
    });
  },
};

/**
 * The console's browser app (api/pages/console/browser) is built once per build, here, and put into
 * the function that imports api/pages/console/assets.ts as data: content-hashed files the console
 * function serves at /console/assets/<name>. Its first-load JavaScript (gzip) is printed with the sizes.
 */
let consoleBuild;
function consoleAssetsOnce() {
  consoleBuild ??= buildConsoleAssets();
  return consoleBuild;
}
const consoleBrowserAssets = {
  name: 'console-browser-assets',
  setup(build) {
    build.onLoad({ filter: /[\\/]api[\\/]pages[\\/]console[\\/]assets\.ts$/ }, () => {
      const built = consoleAssetsOnce();
      const { inputs, ...data } = built;
      return { contents: `export const consoleBuild = ${JSON.stringify(data)};`, loader: 'js', watchFiles: inputs };
    });
    // In watch mode a change to the browser sources builds the app again.
    build.onStart(() => {
      if (watch) consoleBuild = undefined;
    });
  },
};

/** @type {import('esbuild').BuildOptions} */
const shared = {
  plugins: [englishOnlyZod, xrayWithoutSemver, httpWithoutUndici, checkoutBrowserScript, consoleBrowserAssets],
  bundle: true,
  platform: 'node',
  // The Lambda runtime (serverless.yml: nodejs22.x).
  target: 'node22',
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

/**
 * Code splitting puts what a function reaches only through `import()` in chunks beside its handler
 * (dist/<name>/chunks/), loaded on first use: the SDK's credential providers other than the
 * environment's (Lambda hands credentials in variables), the OpenAPI document, the QR code library.
 */
function optionsFor(name) {
  return {
    ...shared,
    splitting: true,
    chunkNames: `${name}/chunks/[name]-[hash]`,
    external: externalAwsSdk ? ['@aws-sdk/*'] : [],
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

/**
 * Writes each output beside its target and renames it over, so no reader ever sees half a file;
 * handlers last, so a handler never names a chunk not yet written.
 */
function writeAtomically(outputFiles) {
  const handlersLast = [...outputFiles].sort((a, b) => Number(isHandler(a.path)) - Number(isHandler(b.path)));
  for (const file of handlersLast) {
    fs.mkdirSync(path.dirname(file.path), { recursive: true });
    const staging = `${file.path}.${process.pid}.tmp`;
    fs.writeFileSync(staging, file.contents);
    fs.renameSync(staging, file.path);
  }
}

const isHandler = (file) => /[\\/]handler\.mjs$/.test(file);

/** Deletes chunks of earlier builds that this build no longer writes (their names carry a hash). */
function removeStaleChunks(name, outputFiles) {
  const dir = path.join(outDir, name, 'chunks');
  if (!fs.existsSync(dir)) return;
  const written = new Set(outputFiles.map((file) => path.resolve(file.path)));
  for (const file of fs.readdirSync(dir)) {
    if (!written.has(path.resolve(dir, file))) fs.rmSync(path.join(dir, file));
  }
}

/** Per function: KiB shipped, KiB loaded at cold start (scripts/build/bundle-size.mjs), flagged over its limit (scripts/build/budgets.mjs). */
function printSizes(results) {
  const width = Math.max(...results.map((result) => result.name.length));
  console.log(`${'function'.padEnd(width)}  ${'total'.padStart(12)}  ${'at init'.padStart(12)}`);
  for (const { name, metafile } of results) {
    if (name === 'cli') {
      const bytes = Object.entries(metafile.outputs).find(([file]) => file.endsWith('.mjs'))?.[1].bytes ?? 0;
      console.log(`${name.padEnd(width)}  ${(bytes / 1024).toFixed(1).padStart(8)} KiB`);
      continue;
    }
    const { totalKiB, initKiB } = functionSizes(metafile, name, outDir);
    const limit = limitsOf(name);
    const over = totalKiB > limit.totalKiB || initKiB > limit.initKiB ? `  over its limit (${limit.totalKiB} / ${limit.initKiB} KiB)` : '';
    console.log(`${name.padEnd(width)}  ${totalKiB.toFixed(1).padStart(8)} KiB  ${initKiB.toFixed(1).padStart(8)} KiB${over}`);
  }
}

/** The console's first load: the JavaScript any of its pages fetches before it can show anything, gzip. */
const consoleFirstLoadBudgetKiB = 150;
function printConsoleBudget() {
  const { firstLoadGzipBytes, script } = consoleAssetsOnce();
  const kib = firstLoadGzipBytes / 1024;
  const over = kib > consoleFirstLoadBudgetKiB ? `  over its budget (${consoleFirstLoadBudgetKiB} KiB)` : '';
  console.log(`console first load: ${kib.toFixed(1)} KiB of JavaScript (gzip, ${script}), budget ${consoleFirstLoadBudgetKiB} KiB${over}`);
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
      removeStaleChunks(name, result.outputFiles);
      return { name, metafile: result.metafile };
    }),
  );
  // The CLI's bundle stays out of meta.json, which describes what is deployed; a build elsewhere
  // (--outdir, for a bench) is of the functions alone.
  const cli = outDirAt < 0 ? await esbuild.build({ ...cliOptions, write: false }) : undefined;
  if (cli) writeAtomically(cli.outputFiles);
  const merged = { inputs: {}, outputs: {} };
  for (const { metafile } of results) {
    Object.assign(merged.inputs, metafile.inputs);
    Object.assign(merged.outputs, metafile.outputs);
  }
  fs.writeFileSync(path.join(outDir, 'meta.json'), JSON.stringify(merged));
  printSizes(cli ? [...results, { name: 'cli', metafile: cli.metafile }] : results);
  printConsoleBudget();
}
