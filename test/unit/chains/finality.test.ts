import { describe, expect, it } from 'vitest';
import { chainSchema } from '#lib/chains/registry.js';

const entry = (chainId: number, confirmations: number) => ({
  name: 'some-chain', chainId, rpcUrls: ['https://rpc.example.com'], confirmations,
  fees: { type: 'eip1559', maxFeePerGasWei: '100', maxPriorityFeePerGasWei: '1' },
  assets: [{ symbol: 'USDC', address: 'native', decimals: 18 }], hotWalletKeyId: 'alias/hot',
});

describe('chain registry confirmations', () => {
  it('refuses fewer confirmations than the chain\'s documented finality, naming the figure', () => {
    const parsed = chainSchema.safeParse(entry(1, 12));
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({ path: ['confirmations'], message: expect.stringMatching(/at least 65 confirmations/) });
    expect(chainSchema.safeParse(entry(137, 32)).success).toBe(false);
    expect(chainSchema.safeParse(entry(8453, 64)).success).toBe(false);
  });

  it('accepts the documented finality, and a local or private chain at its own figure', () => {
    expect(chainSchema.safeParse(entry(1, 65)).success).toBe(true);
    expect(chainSchema.safeParse(entry(42161, 4560)).success).toBe(true);
    expect(chainSchema.safeParse(entry(31337, 1)).success).toBe(true);
  });
});
