import { Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import { chainSchema } from '#lib/chains/registry.js';
import { assertPayableDestination } from '#lib/money/payments/destinations.js';
import { ValidationError } from '#lib/platform/errors/index.js';

const token = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const hotWallet = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const chain = chainSchema.parse({
  name: 'local-a', chainId: 31337, rpcUrls: ['http://127.0.0.1:8545'], confirmations: 1,
  fees: { type: 'legacy', gasPriceWei: '1' }, assets: [{ symbol: 'USDC', address: token, decimals: 6 }],
  hotWalletKeyId: 'alias/hot', ownAddresses: [hotWallet.toLowerCase()],
});

describe('assertPayableDestination', () => {
  it('refuses the zero address, the chain token contract and the platform wallet, each with its reason', () => {
    const reasons = ['0x0000000000000000000000000000000000000000', token, hotWallet].map((destination) => {
      try {
        assertPayableDestination(chain, destination);
        return 'accepted';
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        return (error as ValidationError).problems[0]!.message;
      }
    });
    expect(reasons[0]).toMatch(/zero address/);
    expect(reasons[1]).toMatch(/token contract/);
    expect(reasons[2]).toMatch(/own wallets/);
  });

  it('accepts any other address', () => {
    expect(() => assertPayableDestination(chain, Wallet.createRandom().address)).not.toThrow();
  });
});
