import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChainRegistry, chainSchema } from '#lib/chains/registry.js';
import { watchChain } from '#lib/money/charges/watch.js';
import { listEvents } from '#lib/notify/events/query.js';
import { deployDepositFactory, localProvider, startChains, type RunningChain } from '../../../scripts/stack/chains.js';
import { expectLedgerBalanced } from '../../support/ledger-invariants.js';
import { payerOn, payInWorld } from '../../support/pay-ins.js';

/**
 * A chain of the test's own: evm_snapshot / evm_revert would undo other tests' transactions on the
 * stack's shared chains. Blocks are mined by the test (interval mining off after setup), so the
 * reorg lands exactly between "seen" and "final" (3 confirmations here).
 */
let chain: RunningChain;
let registry: ChainRegistry;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  chain = (await startChains([{ name: 'reorg-local', chainId: 31399, port: await freePort(), blockIntervalMs: 200 }], { logDir: path.join(os.tmpdir(), 'lanepay-reorg-test') }))[0]!;
  // The factory's destination (the hot wallet) plays no part in crediting; any address will do.
  const factory = await deployDepositFactory(chain!, '0x52908400098527886E0F7030069857D2E4169EE7');
  registry = new ChainRegistry([chainSchema.parse({
    name: chain!.name, chainId: chain!.chainId, rpcUrls: [chain!.rpcUrl], confirmations: 3,
    fees: { type: 'legacy', gasPriceWei: '0' }, assets: [{ symbol: 'USDC', address: chain!.usdcAddress, decimals: 6 }],
    hotWalletKeyId: 'alias/unused', depositFactory: factory,
  })]);
}, 120_000);

afterAll(async () => {
  await chain?.stop();
});

describe('a reorg before finality', () => {
  it('drops the deposit with charge.deposit_reverted and never credits it; a later payment is credited once', async () => {
    const world = await payInWorld({ chains: registry, feeBps: 0 });
    const payer = await payerOn(chain);
    const rpc = localProvider(chain.rpcUrl, chain.chainId);
    const mine = async (blocks: number) => {
      for (let i = 0; i < blocks; i += 1) await rpc.send('evm_mine', []);
    };
    try {
      await rpc.send('evm_setIntervalMining', [0]);
      const charge = await world.open({ chains: ['reorg-local'], amount: '1000000' });
      const address = charge.addresses[0]!.deposit_address;
      await watchChain(world.watch, 'reorg-local');

      const snapshot = await rpc.send('evm_snapshot', []);
      const sent = await payer.send(address, 1_000_000n);
      await mine(1);
      await sent.wait();
      await watchChain(world.watch, 'reorg-local');
      expect(await world.charge(charge.id)).toMatchObject({ status: 'pending', amount_pending: '1000000', amount_received: '0' });

      // The block holding the payment is replaced: the chain goes back and grows past the depth without it.
      await rpc.send('evm_revert', [snapshot]);
      await mine(4);
      await watchChain(world.watch, 'reorg-local');
      const reverted = await world.charge(charge.id);
      expect(reverted).toMatchObject({ status: 'awaiting_payment', amount_pending: '0', amount_received: '0' });
      expect(reverted.deposits[0]!.status).toBe('reverted');
      expect(await world.available()).toBe(0n);
      const types = (await listEvents(world.charges, world.merchantId, { limit: 20 })).data.filter((e) => e.data.object.id === charge.id).map((e) => e.type);
      expect(types).toContain('charge.deposit_reverted');
      expect(types).not.toContain('charge.succeeded');

      payer.reset();
      const again = await payer.send(address, 1_000_000n);
      await mine(1);
      await again.wait();
      await mine(3);
      await watchChain(world.watch, 'reorg-local');
      await watchChain(world.watch, 'reorg-local');
      expect(await world.charge(charge.id)).toMatchObject({ status: 'succeeded', amount_received: '1000000' });
      expect(await world.available()).toBe(1_000_000n);
      await expectLedgerBalanced(world.tableName);
    } finally {
      rpc.destroy();
    }
  });
});
