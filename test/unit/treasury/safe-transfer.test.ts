import { Interface } from 'ethers';
import { describe, expect, it } from 'vitest';
import { transferTransaction, type TreasuryChain } from '#lib/treasury/transfers/executor.js';

const erc20 = new Interface(['function transfer(address to, uint256 amount) returns (bool)']);

function chainWithUsdcDecimals(usdcDecimals: number): TreasuryChain {
  return {
    name: 'bnb', chainId: 56, usdc: '0x8AC76a51cc950d9822D68b83fE1Ad97B32Cd580d', usdcDecimals, hotWallet: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    safe: '0x3Aa5ebB10DC797CAC828524e59A333d0A371443c', threshold: 2, owners: [], relayer: '0x90F79bf6EB2c4f870365E785982E1f101E93b906',
  };
}

describe('a Safe transfer to the hot wallet on one chain', () => {
  it('moves the token\'s own units: 25 USDC is 25·10^18 where USDC has 18 decimals, 25·10^6 where it has 6', async () => {
    for (const [decimals, expected] of [[18, 25n * 10n ** 18n], [6, 25_000_000n]] as const) {
      const chain = chainWithUsdcDecimals(decimals);
      const stored = await transferTransaction({ chain: () => chain }, { from: 'bnb', to: 'bnb', amountMinor: 25_000_000n, safeNonce: 0n });
      const call = erc20.parseTransaction({ data: stored.data })!;
      expect([call.args[0], call.args[1]]).toEqual([chain.hotWallet, expected]);
    }
  });
});
