import { Contract, Wallet, type JsonRpcProvider } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fundAddress, localProvider } from '../../scripts/stack/chains.js';
import { stack } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

const erc20Abi = [
  'function decimals() view returns (uint8)',
  'function symbol() view returns (string)',
  'function transfer(address to, uint256 amount) returns (bool)',
];

describe('local chains', () => {
  const providers: JsonRpcProvider[] = [];
  const providerFor = (rpcUrl: string) => {
    const provider = localProvider(rpcUrl);
    providers.push(provider);
    return provider;
  };

  afterAll(() => providers.forEach((p) => p.destroy()));

  it('answers with chain ids 31337 and 31338', async () => {
    const chainIds = await Promise.all(
      stack().chains.map(async (chain) => (await providerFor(chain.rpcUrl).getNetwork()).chainId),
    );
    expect(chainIds.sort()).toEqual([31337n, 31338n]);
    expect(stack().chains.map((c) => c.chainId).sort()).toEqual([31337, 31338]);
  });

  it('has TestUSDC deployed on every chain with 6 decimals and symbol USDC', async () => {
    for (const chain of stack().chains) {
      const usdc = new Contract(chain.usdcAddress, erc20Abi, providerFor(chain.rpcUrl));
      expect(await usdc.getFunction('decimals')()).toBe(6n);
      expect(await usdc.getFunction('symbol')()).toBe('USDC');
    }
  });

  describe('interval mining', () => {
    let provider: JsonRpcProvider;
    beforeAll(() => {
      provider = providerFor(stack().chains[0]!.rpcUrl);
    });

    it('mines about one block a second even without transactions', async () => {
      const startBlock = await provider.getBlockNumber();
      const startedAtMs = Date.now();
      await waitFor('three new blocks', async () => ((await provider.getBlockNumber()) >= startBlock + 3 ? true : undefined), {
        timeoutMs: 8_000,
        intervalMs: 50,
      });
      const elapsedMs = Date.now() - startedAtMs;
      // Three intervals of 1 s, give or take the polling and the partial first interval.
      expect(elapsedMs).toBeGreaterThan(1_800);
      expect(elapsedMs).toBeLessThan(5_000);
    });

    it('puts transactions sent together into the same block', async () => {
      const chain = stack().chains[0]!;
      const wallets = Array.from({ length: 5 }, () => Wallet.createRandom(provider));
      await Promise.all(wallets.map((w) => fundAddress(chain, w.address, { gasWei: 10n ** 16n, usdcMinor: 1_000_000n })));

      // Sign first, then broadcast at once, so the sends span milliseconds rather than a block interval.
      const recipient = Wallet.createRandom().address;
      const signed = await Promise.all(
        wallets.map(async (w) => {
          const usdc = new Contract(chain.usdcAddress, erc20Abi, w);
          const tx = await w.populateTransaction(await usdc.getFunction('transfer').populateTransaction(recipient, 1n));
          return w.signTransaction(tx);
        }),
      );
      const sent = await Promise.all(signed.map((raw) => provider.broadcastTransaction(raw)));
      const receipts = await Promise.all(sent.map((tx) => tx.wait()));

      const blocks = new Set(receipts.map((r) => r?.blockNumber));
      expect(receipts.every((r) => r?.status === 1)).toBe(true);
      // One block is the norm; two only if a block boundary fell inside the broadcast.
      expect(blocks.size).toBeLessThanOrEqual(2);
    });
  });
});
