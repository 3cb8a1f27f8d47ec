// Bundles the console's browser app (main.tsx) and its style sheet into content-hashed files, as
// text. Plain JavaScript so that esbuild.config.mjs (which puts the result into the console
// function's bundle) and api/pages/console/assets.ts (run from sources by tsx or vitest) share it.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

const contentTypes = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/**
 * @returns {{ assets: Record<string, { type: string, body: string }>, script: string, style: string,
 *   firstLoadGzipBytes: number, inputs: string[] }} the files by name (`app-<hash>.js`), the names the
 *   shell page loads, the gzip size of the JavaScript a first load fetches, and the sources read.
 */
export function buildConsoleAssets() {
  const result = esbuild.buildSync({
    entryPoints: { app: path.join(here, 'main.tsx') },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    // Desktop and phone browsers of the last few years: what the app's syntax needs, nothing older.
    target: ['chrome100', 'firefox100', 'safari15'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    write: false,
    metafile: true,
    outdir: 'console-assets',
    entryNames: '[name]-[hash]',
    legalComments: 'none',
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  /** @type {Record<string, { type: string, body: string }>} */
  const assets = {};
  let script = '';
  let style = '';
  let firstLoadGzipBytes = 0;
  for (const file of result.outputFiles) {
    const ext = path.extname(file.path);
    const type = contentTypes[ext];
    if (!type) continue;
    // esbuild's [hash] covers the inputs; the file's own digest makes the name follow its bytes.
    const digest = createHash('sha256').update(file.contents).digest('base64url').slice(0, 12);
    const name = `app-${digest}${ext}`;
    assets[name] = { type, body: file.text };
    if (ext === '.js') {
      script = name;
      firstLoadGzipBytes += gzipSync(file.contents, { level: 9 }).length;
    } else {
      style = name;
    }
  }
  if (!script || !style) throw new Error('console assets: the build wrote no script or no style sheet');
  return { assets, script, style, firstLoadGzipBytes, inputs: Object.keys(result.metafile.inputs).map((input) => path.resolve(input)) };
}
