import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EvmAdapter } from '#lib/chains/evm-adapter.js';
import { payoutItem, walletKey } from '#lib/money/payouts/items.js';
import { fundAddress } from '../../scripts/stack/chains.js';
import { localChainEntries } from '../../scripts/stack/registry.js';
import { parseEmfLine } from '#platform';
import { recordCircuitChange } from '../../functions/commons/rpc-circuits.js';
import { cliAgainstTestStack } from '../support/cli.js';
import { clients } from '../support/deps.js';
import { isolatedTable, newHotWalletKey } from '../support/isolated.js';
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
      expect(section).toMatch(new RegExp(`hot wallet\\s+${chain.hotWallet}`));
      expect(section).toMatch(/gas\s+\d+(\.\d+)? ETH/);
    }
  });

  it('prints JSON with --json: the balances, nonces and payouts in flight of each hot wallet, exactly', async () => {
    // Hot wallets and a table of the test's own, so no other test's payouts move what is printed.
    const { dynamodb, kms } = clients();
    const tableName = await isolatedTable();
    const now = Date.now();
    const wallets = await Promise.all(stack().chains.map(async (chain, index) => {
      const keyId = await newHotWalletKey();
      const address = await new EvmAdapter({ ...localChainEntries([chain])[0]!, hotWalletKeyId: keyId }, kms).hotWalletAddress();
      await fundAddress(chain, address, { gasWei: 10n ** 16n * BigInt(index + 1), usdcMinor: 1_234_567n * BigInt(index + 1) });
      const payouts = [0, 1, 2].slice(0, index + 2).map((n) => ({
        paymentId: `pay_${chain.name}_${n}`, merchantId: 'mer_cli', chain: chain.name, wallet: address, status: 'pending' as const,
        nonce: n, attempts: [], version: 1, createdAtMs: now - 60_000 * (n + 1),
      }));
      for (const payout of payouts) await dynamodb.send(new PutItemCommand({ TableName: tableName, Item: payoutItem(payout) }));
      await dynamodb.send(new PutItemCommand({ TableName: tableName, Item: { ...walletKey(chain.name, address), nextNonce: { N: String(index + 2) } } }));
      return { chain, keyId, address, oldest: payouts.at(-1)!.paymentId, inFlight: payouts.length, nextNonce: index + 2, index };
    }));
    const own = { ...stack(), tableName, chains: stack().chains.map((chain, index) => ({ ...chain, keyAlias: wallets[index]!.keyId, hotWallet: wallets[index]!.address })) };
    fs.writeFileSync(path.join(cli.dir, 'own.json'), JSON.stringify(own));

    const run = await lanepay(['chain', 'status', '--json'], 'own.json');

    expect(run.code, `lanepay failed: ${run.stderr}`).toBe(0);
    const statuses = JSON.parse(run.stdout) as Record<string, unknown>[];
    expect(statuses.map((s) => s.chain)).toEqual(stack().chains.map((c) => c.name));
    for (const { chain, address, oldest, inFlight, nextNonce, index } of wallets) {
      expect(statuses.find((s) => s.chain === chain.name)).toMatchObject({
        chain_id: chain.chainId,
        status: 'ok',
        hot_wallet: address,
        gas_balance: ['0.01', '0.02'][index],
        token_balances: { USDC: ['1.234567', '2.469134'][index] },
        next_nonce: nextNonce,
        chain_pending_nonce: 0,
        in_flight: { count: inFlight, oldest_payment_id: oldest },
      });
    }
  });

  it('shows the RPC circuits the functions opened in the last hour, per chain, with the latest state of each host', async () => {
    const [first, second] = stack().chains;
    // What the chain functions log when a breaker changes (their EMF documents), into a log of the test's own.
    const lines = await emfLinesOf(() => {
      recordCircuitChange({ chain: first!.name, host: 'rpc-1.example:443', state: 'open' });
      recordCircuitChange({ chain: first!.name, host: 'rpc-2.example:443', state: 'open' });
      recordCircuitChange({ chain: first!.name, host: 'rpc-2.example:443', state: 'closed' });
    });
    expect(lines).toHaveLength(3);
    fs.writeFileSync(path.join(cli.dir, 'circuits.log'), lines.join('\n') + '\n');
    fs.writeFileSync(path.join(cli.dir, 'circuits.json'), JSON.stringify({ ...stack(), functionLog: path.join(cli.dir, 'circuits.log') }));

    const run = await lanepay(['chain', 'status', '--json'], 'circuits.json');

    expect(run.code, run.stderr).toBe(0);
    const statuses = JSON.parse(run.stdout) as { chain: string; rpc_circuits: { rpc: string; state: string }[] }[];
    const circuits = statuses.find((s) => s.chain === first!.name)!.rpc_circuits.map(({ rpc, state }) => ({ rpc, state }));
    expect(circuits.sort((a, b) => a.rpc.localeCompare(b.rpc))).toEqual([{ rpc: 'rpc-1.example:443', state: 'open' }, { rpc: 'rpc-2.example:443', state: 'closed' }]);
    expect(statuses.find((s) => s.chain === second!.name)!.rpc_circuits).toEqual([]);
    const text = await lanepay(['chain', 'status'], 'circuits.json');
    expect(text.stdout).toMatch(/rpc circuits\s+none opened in the last hour/);
    expect(text.stdout).toMatch(/rpc circuits\s+rpc-\d\.example:443 (open|closed) since .*; rpc-\d\.example:443 (open|closed) since/);
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

/** The EMF lines `emit` writes to stdout, as a function's log would hold them. */
async function emfLinesOf(emit: () => void): Promise<string[]> {
  const written: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(...String(chunk).split('\n'));
    return true;
  });
  try {
    emit();
  } finally {
    write.mockRestore();
  }
  return written.filter((line) => parseEmfLine(line) !== undefined);
}

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
