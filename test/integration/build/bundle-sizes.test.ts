import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { apiPathFunctions, limitsOf } from '../../../scripts/build/budgets.mjs';
import { functionSizes, type Metafile } from '../../../scripts/build/bundle-size.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * The function bundles stay within their limits (scripts/build/budgets.mjs), whole and at cold
 * start. Read from the build the test stack has just made (its global setup runs
 * `node esbuild.config.mjs`, which writes dist/meta.json), so it costs no build of its own.
 */
describe('function bundle sizes', () => {
  const metafile = JSON.parse(fs.readFileSync(path.join(repoRoot, 'dist', 'meta.json'), 'utf8')) as Metafile;
  const names = fs.readdirSync(path.join(repoRoot, 'functions'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(repoRoot, 'functions', entry.name, 'handler.ts')))
    .map((entry) => entry.name);

  it('covers every API-path function', () => {
    expect(apiPathFunctions.filter((name) => !names.includes(name))).toEqual([]);
  });

  it.each(names)('%s is within its limits', (name) => {
    const { totalKiB, initKiB } = functionSizes(metafile, name);
    const limit = limitsOf(name);
    expect(totalKiB, `${name}: ${totalKiB.toFixed(1)} KiB in all`).toBeLessThanOrEqual(limit.totalKiB);
    expect(initKiB, `${name}: ${initKiB.toFixed(1)} KiB at cold start`).toBeLessThanOrEqual(limit.initKiB);
  });

  it('keeps the SDK credential providers other than the environment\'s out of what loads at cold start', () => {
    const { totalKiB, initKiB } = functionSizes(metafile, 'authorizer');
    // The chunks loaded on first use only: SSO, STS, INI, process and the other providers Lambda never needs.
    expect(totalKiB - initKiB).toBeGreaterThan(100);
  });
});
