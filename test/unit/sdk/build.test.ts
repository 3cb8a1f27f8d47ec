import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** What a plain Node program sees when it imports the package by name (node_modules/@lanepay/sdk → sdk/dist). */
const probe = `
import * as sdk from '@lanepay/sdk';
let verifyError;
try { sdk.webhooks.verify('{}', { 'webhook-id': 'x', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,AAAA' }, 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='); }
catch (error) { verifyError = error instanceof sdk.LanepaySignatureVerificationError && error instanceof sdk.LanepayError; }
const client = new sdk.Lanepay({ apiKey: 'sk_test_x', baseUrl: 'http://127.0.0.1:9' });
console.log(JSON.stringify({ exports: Object.keys(sdk).sort(), verifyError, resources: Object.keys(client).sort(), resolved: import.meta.resolve('@lanepay/sdk') }));
`;

describe('@lanepay/sdk package', () => {
  beforeAll(async () => {
    await run('npm', ['run', 'build', '--workspace', '@lanepay/sdk'], { cwd: root });
  }, 60_000);

  it('builds to sdk/dist with types, and imports by name from plain Node (ESM, standardwebhooks included)', async () => {
    expect(fs.existsSync(path.join(root, 'sdk/dist/index.d.ts'))).toBe(true);

    const { stdout } = await run(process.execPath, ['--input-type=module', '--eval', probe], { cwd: root });
    const seen = JSON.parse(stdout);
    expect(seen.resolved).toBe(`file://${path.join(root, 'sdk/dist/index.js')}`);
    expect(seen.exports).toEqual(expect.arrayContaining([
      'Lanepay', 'LanepayError', 'LanepayApiError', 'LanepayAuthenticationError', 'LanepayConnectionError', 'LanepayTimeoutError',
      'LanepayRateLimitError', 'LanepaySignatureVerificationError', 'webhooks', 'verifyWebhook',
    ]));
    expect(seen.verifyError).toBe(true);
    expect(seen.resources).toEqual(['approvalPolicy', 'audit', 'balances', 'chains', 'events', 'kyc', 'liquidity', 'members', 'payments', 'realtime', 'refunds', 'reports', 'treasury', 'webhookEndpoints', 'webhooks']);
  }, 60_000);

  it('packs the built output, its types and sources, and nothing else of the repository', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--workspace', '@lanepay/sdk'], { cwd: root });
    const files = (JSON.parse(stdout)[0].files as { path: string }[]).map((file) => file.path);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'dist/openapi.d.ts', 'src/index.ts']));
    expect(files.filter((file) => !/^(dist|src)\/|^(package\.json|README\.md)$/.test(file))).toEqual([]);
  }, 60_000);
});
