import { parse } from 'yaml';
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulators } from '../../scripts/stack/emulators.js';
import { StackError } from '../../scripts/stack/errors.js';
import { installTools } from '../../scripts/stack/install.js';
import { assertPortFree, requireCommand } from '../../scripts/stack/process.js';
import { stack } from '../support/stack.js';

/** Listens on an ephemeral loopback port, as a stray process would. */
async function occupyPort(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('the local stack', () => {
  it('publishes every endpoint, the table, queues, keys and both chains', () => {
    const info = stack();
    expect(info.stage).toBe('local');
    expect(info.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.websocketUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    for (const endpoint of Object.values(info.endpoints)) expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.tableName).toBe('lanepay-local');
    // Every queue infra/ defines, and nothing else: one source of truth.
    const infraFiles = fs.readdirSync('infra').filter((file) => file.endsWith('.yml')).map((file) => `infra/${file}`);
    const resources = Object.assign({}, ...infraFiles.map(
      (file) => (parse(fs.readFileSync(file, 'utf8')) as { Resources?: Record<string, { Type: string }> } | null)?.Resources ?? {},
    )) as Record<string, { Type: string }>;
    const defined = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::SQS::Queue').map(([id]) => id).sort();
    expect(Object.keys(info.queues).sort()).toEqual(defined);
    expect(info.queues.ChainSubmitQueue?.url).toContain('lanepay-local-chain-submit.fifo');
    // Buckets too (moto's S3): the reports bucket under the name infra/environment.yml gives the functions.
    expect(Object.keys(info.buckets).sort()).toEqual(Object.entries(resources).filter(([, r]) => r.Type === 'AWS::S3::Bucket').map(([id]) => id).sort());
    expect(info.buckets.ReportsBucket).toBe('lanepay-local-reportsbucket');
    expect(info.keys).toMatchObject({
      HotWalletKeyA: 'alias/lanepay-local-hot-wallet-a',
      HotWalletKeyB: 'alias/lanepay-local-hot-wallet-b',
    });
    expect(info.chains.map((c) => [c.name, c.chainId])).toEqual([['local-a', 31337], ['local-b', 31338]]);
    for (const chain of info.chains) {
      expect(chain.hotWallet).toMatch(/^0x[0-9a-fA-F]{40}$/);
      expect(chain.usdcAddress).toMatch(/^0x[0-9a-fA-F]{40}$/);
    }
  });

  it('serves the API through serverless offline: the OpenAPI document from the query function', async () => {
    const response = await fetch(`${stack().apiUrl}/v1/openapi.json`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('json');
    const document = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(document.paths)).toContain('/v1/payments');
  });
});

describe('start-up failures', () => {
  const runDirs: string[] = [];
  afterAll(() => runDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  it('assertPortFree names the port and what needed it', async () => {
    const taken = await occupyPort();
    try {
      const failure = assertPortFree(taken.port, 'SQS emulator');
      await expect(failure).rejects.toBeInstanceOf(StackError);
      await expect(failure).rejects.toThrow(`Port ${taken.port} (SQS emulator) is already in use`);
    } finally {
      await taken.close();
    }
    await expect(assertPortFree(taken.port, 'SQS emulator')).resolves.toBeUndefined();
  });

  it('startEmulators fails with a StackError naming a port that is taken, before starting anything', async () => {
    const taken = await occupyPort();
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lanepay-stack-test-'));
    runDirs.push(runDir);
    try {
      const tools = await installTools();
      const failure = startEmulators(tools, { dynamodb: taken.port, sqs: taken.port + 1, kms: taken.port + 2 }, runDir);
      await expect(failure).rejects.toBeInstanceOf(StackError);
      await expect(failure).rejects.toThrow(new RegExp(`Port ${taken.port} \\(DynamoDB emulator\\) is already in use`));
      expect(fs.existsSync(path.join(runDir, 'logs'))).toBe(false);
    } finally {
      await taken.close();
    }
  });

  it('requireCommand names a missing command and says how to get it', () => {
    const check = () => requireCommand('lanepay-no-such-command', ['--version'], 'Install it with `apt-get install it`.');
    expect(check).toThrow(StackError);
    expect(check).toThrow('`lanepay-no-such-command` is not available. Install it with `apt-get install it`.');
  });

  it('requireCommand accepts a command that runs', () => {
    expect(() => requireCommand(process.execPath, ['--version'], 'unused')).not.toThrow();
  });
});
