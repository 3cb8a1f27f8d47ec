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
  depositFactory: '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0',
  cctp: { domain: 0, tokenMessenger: '0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9', messageTransmitter: '0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9', attestationApi: 'http://127.0.0.1:1/' },
});
const safe = '0x3Aa5ebB10DC797CAC828524e59A333d0A371443c';
const withTreasury = { ...chain, treasury: { safe, owners: [], threshold: 2 } } as unknown as typeof chain;

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

  it('refuses the treasury Safe and the contracts Lanepay uses (deposit factory, CCTP), whatever the address\'s case', () => {
    const reasonOf = (c: typeof chain, destination: string) => {
      try {
        assertPayableDestination(c, destination);
        return 'accepted';
      } catch (error) {
        return (error as ValidationError).problems[0]!.message;
      }
    };
    expect(reasonOf(withTreasury, safe)).toMatch(/treasury Safe/);
    expect(reasonOf(withTreasury, safe.toLowerCase())).toMatch(/treasury Safe/);
    expect(reasonOf(chain, safe)).toBe('accepted');
    for (const contract of [chain.depositFactory!, chain.cctp!.tokenMessenger, chain.cctp!.messageTransmitter]) expect(reasonOf(chain, contract)).toMatch(/contracts Lanepay uses/);
  });

  it('accepts any other address', () => {
    expect(() => assertPayableDestination(chain, Wallet.createRandom().address)).not.toThrow();
  });
});
