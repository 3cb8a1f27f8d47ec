import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * What a user gets from `npm install lanepay`: the package is packed as published (with the CLI
 * bundle the prepare step builds), installed from the tarball into an empty project, and run
 * there, where neither tsx nor the repository's sources exist.
 */
describe('the lanepay package, installed from its tarball', () => {
  let dir: string;
  let consumer: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lanepay-pack-'));
    consumer = path.join(dir, 'consumer');
    fs.mkdirSync(consumer);
    fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    // The prepare step's build, run here so packing needs no lifecycle scripts (and patches nothing).
    await run(process.execPath, ['esbuild.config.mjs', '--cli'], { cwd: repoRoot });
    const packed = await run(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: repoRoot });
    const tarball = path.join(dir, JSON.parse(packed.stdout)[0].filename);
    await run(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', tarball], { cwd: consumer, timeout: 110_000 });
  }, 120_000);

  // Deleting an installed package tree took over 10 s (the hook default) on a machine loaded to 15.
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }), 60_000);

  // Each of these starts npx and then node on a 3 MB bundle: 0.3 s on a quiet machine, and over the
  // unit project's 5 s default at a load of 20 on 2 cores (seen in a clean-clone run beside other work).
  const spawnsProcesses = 30_000;

  it('ships the bin and its bundle, and no TypeScript source', () => {
    const installed = path.join(consumer, 'node_modules', 'lanepay');
    expect(fs.existsSync(path.join(installed, 'dist', 'cli', 'lanepay.mjs'))).toBe(true);
    expect(fs.existsSync(path.join(installed, 'bin', 'lanepay.ts'))).toBe(false);
    expect(fs.existsSync(path.join(consumer, 'node_modules', 'tsx'))).toBe(false);
  });

  it('answers `npx lanepay --help` with every command', async () => {
    const { stdout } = await run('npx', ['--no-install', 'lanepay', '--help'], { cwd: consumer });
    expect(stdout).toMatch(/^Usage: lanepay <command> \[options\]/);
    for (const name of ['merchant create', 'balance credit', 'demo seed', 'stack status']) expect(stdout).toContain(name);
  }, spawnsProcesses);

  it('runs a command through the bundled library code: without a local stack it says how to start one', async () => {
    const failure = await run('npx', ['--no-install', 'lanepay', 'merchant', 'show', '--merchant', 'mer_x'], { cwd: consumer }).catch((error) => error);
    expect(failure.code).toBe(1);
    expect(failure.stderr.trim()).toBe('No local stack is running here: start one with `npm run dev` (it writes .local/stack.json).');
  }, spawnsProcesses);
});
