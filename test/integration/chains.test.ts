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

    it('mines blocks on its own, automine off, one second apart by the median gap of their timestamps', async () => {
      expect(await provider.send('hardhat_getAutomine', [])).toBe(false);
      const startBlock = await provider.getBlockNumber();
      const head = await waitFor('three new blocks, whoever sends transactions', async () => {
        const latest = await provider.getBlockNumber();
        return latest >= startBlock + 3 ? latest : undefined;
      }, { timeoutMs: 15_000 });

      // The node's own clock, not the test's: a loaded machine delays the test, not the timestamps.
      // A late timer tick stretches one gap to 2 s now and then, so the median is what must be 1.
      const numbers = Array.from({ length: Math.min(head, 20) + 1 }, (_, i) => head - i).reverse();
      const stamps = await Promise.all(numbers.map(async (n) => (await provider.getBlock(n))!.timestamp));
      const gaps = stamps.slice(1).map((stamp, i) => stamp - stamps[i]!).sort((a, b) => a - b);
      expect(gaps[Math.floor(gaps.length / 2)], `gaps ${gaps.join(',')}`).toBe(1);
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
