import { zeroPadValue, toBeHex } from 'ethers';
import { describe, expect, it } from 'vitest';
import type { Chain } from '#lib/chains/registry.js';
import { matchLog, sortMatches, transferTopic } from '#lib/money/charges/watch.js';

const token6 = '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512';
const token18 = '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0';
const chain: Chain = {
  name: 'local-a', chainId: 31337, rpcUrls: ['http://127.0.0.1:8545'], confirmations: 1, fees: { type: 'legacy', gasPriceWei: '0' },
  assets: [{ symbol: 'USDC', address: token6, decimals: 6 }], hotWalletKeyId: 'k', ownAddresses: [], refillLeadTimeHours: 6,
};
const watchedAddress = '0x00000000000000000000000000000000000000aa';
const otherAddress = '0x00000000000000000000000000000000000000cc';
const watched = new Map([
  [watchedAddress, { chain: 'local-a', address: watchedAddress, chargeId: 'ch_x', merchantId: 'mer_x', asset: 'USDC', minDepositMinor: 10_000n }],
  [otherAddress, { chain: 'local-a', address: otherAddress, chargeId: 'ch_y', merchantId: 'mer_y', asset: 'USDC', minDepositMinor: 500n }],
]);

function log(to: string, value: bigint, overrides: Partial<{ address: string; removed: boolean; index: number; blockNumber: number }> = {}) {
  const blockNumber = overrides.blockNumber ?? 10;
  return {
    address: overrides.address ?? token6, topics: [transferTopic, zeroPadValue('0x01', 32), zeroPadValue(to, 32)], data: toBeHex(value, 32),
    transactionHash: `0x${'ab'.repeat(32)}`, index: overrides.index ?? 3, blockNumber, blockHash: `0x${String(blockNumber).padStart(64, 'c')}`, removed: overrides.removed ?? false,
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

  it('scales an 18-decimal token down to ledger units; a transfer below one unit counts as 0', () => {
    const chain18: Chain = { ...chain, assets: [{ symbol: 'USDC', address: token18, decimals: 18 }] };
    expect(matchLog(chain18, log(watchedAddress, 3n * 10n ** 12n + 5n, { address: token18 }), watched)?.amountMinor).toBe(3n);
    expect(matchLog(chain18, log(watchedAddress, 10n ** 11n, { address: token18 }), watched)?.amountMinor).toBe(0n);
  });
});

describe('sorting a range\'s matches into deposits and dust', () => {
  it('takes transfers at or above the charge\'s minimum deposit one by one and sums the rest per block and address', () => {
    const logs = [
      log(watchedAddress, 10_000n, { index: 0 }),
      log(watchedAddress, 9_999n, { index: 1 }),
      log(watchedAddress, 1n, { index: 2 }),
      log(watchedAddress, 0n, { index: 3 }),
      log(watchedAddress, 1n, { index: 0, blockNumber: 11 }),
      log(otherAddress, 500n, { index: 4 }),
      log(otherAddress, 499n, { index: 5 }),
      log('0x00000000000000000000000000000000000000bb', 1n, { index: 6 }),
    ];
    const { deposits, dust } = sortMatches(chain, logs, watched);
    expect(deposits.map((d) => [d.watched.chargeId, d.amountMinor])).toEqual([['ch_x', 10_000n], ['ch_y', 500n]]);
    expect(dust.map((b) => [b.watched.chargeId, b.blockNumber, b.count, b.amountMinor])).toEqual([
      ['ch_x', 10, 3, 10_000n], ['ch_x', 11, 1, 1n], ['ch_y', 10, 1, 499n],
    ]);
  });
});
