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

  it('puts no classic zod in the authorizer, only zod/mini and its English messages', () => {
    const { files } = functionSizes(metafile, 'authorizer');
    const zodInputs = [...new Set(files.flatMap((output) => Object.keys(metafile.outputs[output]!.inputs)))]
      .map((input) => input.match(/node_modules\/zod\/v4\/([a-z-]+)\//)?.[1]).filter((part) => part !== undefined);
    expect([...new Set(zodInputs)].sort()).toEqual(['core', 'locales', 'mini']);
  });

  it('reaches node:http through require() only: an ESM import of it loads undici at every cold start on Node 22', () => {
    const esmImports = Object.entries(metafile.outputs).flatMap(([output, { imports = [] }]) => imports
      .filter((imported) => /^(node:)?http$/.test(imported.path) && imported.kind !== 'require-call')
      .map((imported) => `${output}: ${imported.kind} of ${imported.path}`));
    expect(esmImports).toEqual([]);
  });

  it('loads the SDK credential providers other than the environment\'s only on first use', () => {
    const { files, initFiles } = functionSizes(metafile, 'authorizer');
    const providersIn = (outputs: string[]) => [...new Set(outputs.flatMap((output) => Object.keys(metafile.outputs[output]!.inputs))
      .map((input) => input.match(/node_modules\/@aws-sdk\/(credential-provider-[a-z-]+)\//)?.[1])
      .filter((provider) => provider !== undefined))].sort();
    // Lambda hands credentials in variables: SSO, INI files, STS web identity and the rest never load.
    expect(providersIn(initFiles)).toEqual(['credential-provider-env', 'credential-provider-node']);
    expect(providersIn(files)).toEqual(expect.arrayContaining(['credential-provider-ini', 'credential-provider-sso', 'credential-provider-web-identity']));
  });
});
