import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliAgainstTestStack } from '../support/cli.js';
import { stack } from '../support/stack.js';

let cli: ReturnType<typeof cliAgainstTestStack>;
const lanepay = (args: string[], stackFile?: string) => cli.run(args, stackFile);

describe('lanepay chain status', () => {
  beforeAll(() => {
    cli = cliAgainstTestStack();
  });

  afterAll(() => cli.cleanup());

  it('lists both chains with their head block and the KMS hot wallets the stack funded', async () => {
    const run = await lanepay(['chain', 'status']);
    expect(run.code, `lanepay failed: ${run.stderr}`).toBe(0);
    for (const chain of stack().chains) {
      const section = run.stdout.split('\n\n').find((block) => block.startsWith(`${chain.name} (chain id ${chain.chainId})`));
      expect(section, run.stdout).toBeDefined();
      expect(Number(section!.match(/head block\s+(\d+)/)?.[1])).toBeGreaterThan(0);
      expect(section).toContain(`hot wallet  ${chain.hotWallet}`);
      expect(section).toMatch(/gas\s+\d+(\.\d+)? ETH/);
    }
  });

  it('prints JSON with --json', async () => {
    const run = await lanepay(['chain', 'status', '--json']);
    expect(run.code, `lanepay failed: ${run.stderr}`).toBe(0);
    const statuses = JSON.parse(run.stdout) as { chain: string; chain_id: number; status: string; head_block: number; hot_wallet: string; token_balances: Record<string, string>; chain_pending_nonce: number; in_flight: { count: number } }[];
    expect(statuses.map((s) => s.chain)).toEqual(stack().chains.map((c) => c.name));
    for (const chain of stack().chains) {
      const status = statuses.find((s) => s.chain === chain.name)!;
      expect(status).toMatchObject({ chain_id: chain.chainId, status: 'ok', hot_wallet: chain.hotWallet });
      expect(status.head_block).toBeGreaterThan(0);
      expect(status.token_balances.USDC).toMatch(/^\d+(\.\d+)?$/);
      expect(status.chain_pending_nonce).toBeGreaterThanOrEqual(0);
      expect(status.in_flight.count).toBeGreaterThanOrEqual(0);
    }
  });

  it('reports a chain whose node does not answer as unreachable and exits 1', async () => {
    const [first, second] = stack().chains;
    const down = { ...stack(), chains: [first!, { ...second!, rpcUrl: `http://127.0.0.1:${await closedPort()}` }] };
    fs.writeFileSync(path.join(cli.dir, 'down.json'), JSON.stringify(down));
    const run = await lanepay(['chain', 'status', '--json'], 'down.json');
    expect(run.code).toBe(1);
    const statuses = JSON.parse(run.stdout) as { chain: string; status: string; error?: string; hot_wallet?: string }[];
    expect(statuses.find((s) => s.chain === first!.name)?.status).toBe('ok');
    expect(statuses.find((s) => s.chain === second!.name)).toMatchObject({ status: 'unreachable', error: expect.stringContaining('ECONNREFUSED'), hot_wallet: second!.hotWallet });
  });
});

/** A port nothing listens on: bound by the OS, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
