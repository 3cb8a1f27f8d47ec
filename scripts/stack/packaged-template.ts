/**
 * The CloudFormation template `serverless package` produces for a stage, as a deploy would send it:
 * infra/ and functions/*.yml compiled by osls, with the resources osls generates (functions, log
 * groups, the API). Tests and `npm run deploy:check` judge this, never infra/ alone.
 *
 * Packaging runs in a scratch copy of the service with an empty bundle per function, so it never
 * races with a build of dist/ (the stack's) and needs no esbuild run; the template does not depend on
 * what the bundles hold. The result is kept under .local/packaged/, keyed by a hash of every input,
 * so the test files that read it package once between edits.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StackError } from './errors.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// A deploy takes the chain registry from the deployer's environment; packaging needs a shape only.
export const exampleChainRegistry = JSON.stringify([
  {
    name: 'ethereum',
    chainId: 1,
    rpcUrls: ['https://rpc.example.invalid'],
    confirmations: 12,
    fees: { type: 'eip1559', maxFeePerGasWei: '200000000000', maxPriorityFeePerGasWei: '2000000000' },
    assets: [{ symbol: 'USDC', address: '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48', decimals: 6 }],
    hotWalletKeyId: 'alias/lanepay-prod-hot-wallet-a',
    // Circle's CCTP V2 on Ethereum (lib/chains/cctp.ts), as a prod registry names it.
    cctp: {
      domain: 0,
      tokenMessenger: '0x28b5a0e9C621a5BadaA536219b3a228C8168cf5d',
      messageTransmitter: '0x81D40F21F12A8F0E3252Bccb954D722d4c464B64',
      attestationApi: 'https://iris-api.circle.com',
    },
  },
]);

export type TemplateResource = { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown>; DependsOn?: unknown };
export type PackagedTemplate = { Resources: Record<string, TemplateResource>; [section: string]: unknown };

/** The service's inputs to packaging, relative to the repository root. */
function serviceFiles(): string[] {
  const yml = (dir: string) => fs.readdirSync(path.join(repoRoot, dir)).filter((file) => /\.(ya?ml|json)$/.test(file)).map((file) => path.join(dir, file));
  const plugins = fs.readdirSync(path.join(repoRoot, 'plugins')).map((file) => path.join('plugins', file));
  return ['serverless.yml', 'package.json', ...yml('infra'), ...yml('functions'), ...plugins].sort();
}

function functionNames(): string[] {
  return fs.readdirSync(path.join(repoRoot, 'functions'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(repoRoot, 'functions', entry.name, 'handler.ts')))
    .map((entry) => entry.name);
}

/** Packages `stage` for `region` (once per change of the inputs) and returns the template's path. */
export function packagedTemplatePath(options: { stage?: string; region?: string; chainRegistry?: string } = {}): string {
  const stage = options.stage ?? 'prod';
  const region = options.region ?? 'us-east-1';
  const registry = options.chainRegistry ?? exampleChainRegistry;
  const files = serviceFiles();
  const hash = crypto.createHash('sha256').update(JSON.stringify([stage, region, registry]));
  for (const file of files) hash.update(file).update(fs.readFileSync(path.join(repoRoot, file)));
  const target = path.join(repoRoot, '.local', 'packaged', `${stage}-${region}-${hash.digest('hex').slice(0, 16)}`);
  const template = path.join(target, 'cloudformation-template-update-stack.json');
  if (fs.existsSync(template)) return template;
  // Test files run in parallel workers: one packages, the others wait for its result.
  const lock = `${target}.lock`;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  try {
    fs.mkdirSync(lock);
    fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
  } catch {
    const deadline = Date.now() + 300_000;
    while (!fs.existsSync(template) && fs.existsSync(lock) && holderAlive(lock) && Date.now() < deadline) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    if (fs.existsSync(template)) return template;
    // The holder died (or took five minutes): take over.
    fs.rmSync(lock, { recursive: true, force: true });
    return packagedTemplatePath(options);
  }
  try {
    packageInto(target, { stage, region, registry, files });
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
  return template;
}

function holderAlive(lock: string): boolean {
  const pid = Number(fs.readFileSync(path.join(lock, 'pid'), { encoding: 'utf8', flag: 'a+' }));
  if (!pid) return true; // written an instant after the lock itself
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function packageInto(target: string, { stage, region, registry, files }: { stage: string; region: string; registry: string; files: string[] }) {
  const scratch = `${target}.partial-${process.pid}`;
  fs.rmSync(scratch, { recursive: true, force: true });
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true });
    fs.copyFileSync(path.join(repoRoot, file), path.join(scratch, file));
  }
  for (const name of functionNames()) {
    fs.mkdirSync(path.join(scratch, 'dist', name), { recursive: true });
    fs.writeFileSync(path.join(scratch, 'dist', name, 'handler.mjs'), 'export const handler = () => {};\n');
  }
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(scratch, 'node_modules'));
  const out = path.join(scratch, 'package');
  const result = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules', 'serverless', 'bin', 'serverless.js'), 'package', '--stage', stage, '--region', region, '--package', out], {
    cwd: scratch,
    encoding: 'utf8',
    // Packaging resolves no credentials, but the SDK inside osls insists on a region.
    env: { ...process.env, LANEPAY_CHAIN_REGISTRY: registry, AWS_REGION: region },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    fs.rmSync(scratch, { recursive: true, force: true });
    throw new StackError(`serverless package --stage ${stage} failed:\n${result.stdout}\n${result.stderr}`);
  }
  fs.mkdirSync(target + '.tmp-' + process.pid, { recursive: true });
  fs.copyFileSync(path.join(out, 'cloudformation-template-update-stack.json'), path.join(target + '.tmp-' + process.pid, 'cloudformation-template-update-stack.json'));
  fs.rmSync(scratch, { recursive: true, force: true });
  fs.renameSync(target + '.tmp-' + process.pid, target);
  // Keep only this one per stage and region: older inputs are not packaged again.
  const prefix = `${stage}-${region}-`;
  for (const entry of fs.readdirSync(path.dirname(target))) {
    const full = path.join(path.dirname(target), entry);
    if (entry.startsWith(prefix) && full !== target && !/\.(lock|partial-\d+|tmp-\d+)$/.test(entry)) fs.rmSync(full, { recursive: true, force: true });
  }
}

export function packagedTemplate(options: Parameters<typeof packagedTemplatePath>[0] = {}): PackagedTemplate {
  return JSON.parse(fs.readFileSync(packagedTemplatePath(options), 'utf8')) as PackagedTemplate;
}
