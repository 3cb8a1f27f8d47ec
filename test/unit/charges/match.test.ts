import { zeroPadValue, toBeHex } from 'ethers';
import { describe, expect, it } from 'vitest';
import { matchLog, transferTopic } from '../../../lib/charges/watch.js';
import type { Chain } from '../../../lib/chains/registry.js';

const token6 = '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512';
const token18 = '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0';
const chain: Chain = {
  name: 'local-a', chainId: 31337, rpcUrls: ['http://127.0.0.1:8545'], confirmations: 1, fees: { type: 'legacy', gasPriceWei: '0' },
  assets: [{ symbol: 'USDC', address: token6, decimals: 6 }], hotWalletKeyId: 'k', ownAddresses: [], refillLeadTimeHours: 6,
};
const watchedAddress = '0x00000000000000000000000000000000000000aa';
const watched = new Map([[watchedAddress, { chain: 'local-a', address: watchedAddress, chargeId: 'ch_x', merchantId: 'mer_x', asset: 'USDC' }]]);

function log(to: string, value: bigint, overrides: Partial<{ address: string; removed: boolean }> = {}) {
  return {
    address: overrides.address ?? token6, topics: [transferTopic, zeroPadValue('0x01', 32), zeroPadValue(to, 32)], data: toBeHex(value, 32),
    transactionHash: `0x${'ab'.repeat(32)}`, index: 3, blockNumber: 10, blockHash: `0x${'cd'.repeat(32)}`, removed: overrides.removed ?? false,
  };
}

describe('matching Transfer logs against watched addresses', () => {
  it('matches a transfer of the chain\'s token to a watched address, in ledger units', () => {
    expect(matchLog(chain, log(watchedAddress, 2_500_000n), watched)).toMatchObject({ amountMinor: 2_500_000n, logIndex: 3, blockNumber: 10, watched: { chargeId: 'ch_x' } });
  });

  it('ignores other recipients, other tokens and logs a reorg removed', () => {
    expect(matchLog(chain, log('0x00000000000000000000000000000000000000bb', 1n), watched)).toBeUndefined();
    expect(matchLog(chain, log(watchedAddress, 1n, { address: token18 }), watched)).toBeUndefined();
    expect(matchLog(chain, log(watchedAddress, 1n, { removed: true }), watched)).toBeUndefined();
  });

  it('scales an 18-decimal token down to ledger units and ignores dust below one unit', () => {
    const chain18: Chain = { ...chain, assets: [{ symbol: 'USDC', address: token18, decimals: 18 }] };
    expect(matchLog(chain18, log(watchedAddress, 3n * 10n ** 12n + 5n, { address: token18 }), watched)?.amountMinor).toBe(3n);
    expect(matchLog(chain18, log(watchedAddress, 10n ** 11n, { address: token18 }), watched)).toBeUndefined();
  });
});
